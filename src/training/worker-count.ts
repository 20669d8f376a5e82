/**
 * How many workers share a training batch by default (data-parallel.ts), from what the host
 * says of itself: the page lab asks with `navigator`, `npm run train -- --live` with Node's core
 * count, so both train with the same count on the same machine.
 */

/** Most workers by default: more cost memory and start-up time for little gain on small models. */
export const MAX_WORKERS = 4;

/**
 * One worker per core beyond the first, at most MAX_WORKERS and about one per GiB of
 * `deviceMemory` where the host tells it; 1 on a GPU backend, where workers would share one
 * device. Not one per core: every worker runs all of a step's ~1,200 kernels on its share, so the
 * JavaScript and garbage-collection work per step grows with the workers, and V8's collector
 * threads, which a single worker leaves a core to, then compete with the workers. Measured on 2
 * cores (headless Chromium, tiny preset, wasm, batch 32): 2 workers gave 0.79–0.84× the images/s of
 * one, so 2 cores train with one.
 */
export function defaultWorkerCount(backend: string, host: { hardwareConcurrency?: number; deviceMemory?: number }): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1;
  const cores = host.hardwareConcurrency ?? 1;
  const byMemory = host.deviceMemory === undefined ? Infinity : Math.floor(host.deviceMemory);
  return Math.max(1, Math.min(MAX_WORKERS, cores - 1, byMemory));
}
