/**
 * Data-parallel replicas in the page: Web Workers started by the lab's worker (nested dedicated
 * workers), each with its own tfjs and backend, so wasm, which runs one thread per instance,
 * gets one core per worker.
 */
import type { BackendName } from '../../backend/names';
import type { FromReplica, ReplicaPort } from '../../training/replica-protocol';

/** The first message of a replica worker: the backend to start. */
export interface ReplicaStart {
  type: 'start';
  backend: BackendName;
  wasmBase?: string;
}

/** Most workers a page starts: more cost memory and start-up time for little gain on tiny models. */
export const MAX_WORKERS = 4;

/**
 * One worker per core beyond the first (`navigator.hardwareConcurrency` − 1), at most MAX_WORKERS
 * and about one per GiB of `navigator.deviceMemory` where the browser tells it; 1 on a GPU
 * backend, where workers would share one device. Not one per core: every worker runs all of a
 * step's ~1,200 kernels on its share, so the JavaScript and garbage-collection work per step grows
 * with the workers, and V8's collector threads, which a single worker leaves a core to, then
 * compete with the workers. Measured on 2 cores (headless Chromium, tiny preset, wasm): 2 workers
 * gave 0.75–0.82× the images/s of one (batch 32 and 64), so 2 cores train with one worker.
 */
export function defaultWorkerCount(backend: string, nav: { hardwareConcurrency?: number; deviceMemory?: number } = navigator): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1;
  const cores = nav.hardwareConcurrency ?? 1;
  const byMemory = nav.deviceMemory === undefined ? Infinity : Math.floor(nav.deviceMemory);
  return Math.max(1, Math.min(MAX_WORKERS, cores - 1, byMemory));
}

export function startWebWorkerReplicas(count: number, start: Omit<ReplicaStart, 'type'>): ReplicaPort[] {
  return Array.from({ length: count }, (_, i) => webWorkerReplica(i + 1, start));
}

function webWorkerReplica(index: number, start: Omit<ReplicaStart, 'type'>): ReplicaPort {
  const worker = new Worker(new URL('./replica-worker.ts', import.meta.url), { type: 'module', name: `diffusion-lab-replica-${index}` });
  let gone = false;
  let onFailure: ((reason: string) => void) | null = null;
  const failed = (reason: string): void => {
    if (gone) return;
    gone = true;
    worker.terminate();
    onFailure?.(reason);
  };
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    failed(event.message || 'the worker failed to load or crashed');
  });
  worker.addEventListener('messageerror', () => failed('a message from it could not be read'));
  const first: ReplicaStart = { type: 'start', ...start };
  worker.postMessage(first);
  return {
    post: (message, transfer) => worker.postMessage(message, { transfer }),
    onMessage: (handler) => worker.addEventListener('message', (event: MessageEvent<FromReplica>) => handler(event.data)),
    onFailure: (handler) => {
      onFailure = handler;
    },
    terminate: () => {
      gone = true;
      worker.terminate();
    },
  };
}
