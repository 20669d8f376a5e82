/**
 * How many workers share a training batch by default (data-parallel.ts), from what the host
 * says of itself: the page lab asks with `navigator`, `npm run train -- --live` with Node's core
 * count, so both train with the same count on the same machine.
 */

/** Most workers by default: more cost memory and start-up time for little gain on small models. */
export const MAX_WORKERS = 4;

/**
 * The most workers a page may ask for (the lab's `workers` option, the trainer's attribute). Here
 * rather than beside the replicas, whose module imports worker URLs only a bundler resolves, so
 * that the widgets' settings tables load in Node (build scripts, the Vite config).
 */
export const MAX_PAGE_WORKERS = 16;

/**
 * One worker per core (`hardwareConcurrency`), at most MAX_WORKERS and about one per GiB of
 * `deviceMemory` where the host tells it; 1 on a GPU backend, where workers would share one
 * device. Every worker runs all of a step's ~1,200 kernels on its share, so the per-step
 * JavaScript and garbage-collection work grows with the workers, and a worker pays only with
 * enough rows: on 2 cores (`npm run bench`, wasm, live preset) two workers sharing a batch of 32
 * gave 1.12× the images/s of one, but 1.6× with 32 rows each (batch 64), which is why the live
 * batch grows with the workers (live-recipe.ts, liveBatchSize). For tiny, sharing 32 rows gave
 * 0.79–0.84× (headless Chromium, `npm run bench -- --workers 1,2`).
 */
export function defaultWorkerCount(backend: string, host: { hardwareConcurrency?: number; deviceMemory?: number }): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1;
  const cores = host.hardwareConcurrency ?? 1;
  const byMemory = host.deviceMemory === undefined ? Infinity : Math.floor(host.deviceMemory);
  return Math.max(1, Math.min(MAX_WORKERS, cores, byMemory));
}
