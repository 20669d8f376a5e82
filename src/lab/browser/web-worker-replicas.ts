/**
 * Data-parallel replicas in the page: Web Workers started by the lab's worker (nested dedicated
 * workers), each with its own tfjs and backend, so wasm, which runs one thread per instance,
 * gets one core per worker.
 */
import type { BackendName } from '../../backend/names';
import type { FromReplica, ReplicaPort } from '../../training/replica-protocol';
import { defaultWorkerCount as countFor } from '../../training/worker-count';
import { startModuleWorker } from './module-worker';
// Started by the lab's worker, which may itself come from the kit's host (./module-worker.ts).
import replicaWorkerUrl from './replica-worker.ts?worker&url';

export { MAX_WORKERS } from '../../training/worker-count';

/** The first message of a replica worker: the backend to start. */
export interface ReplicaStart {
  type: 'start';
  backend: BackendName;
  wasmBase?: string;
}

/** The page's default count: the host's cores and memory as `navigator` tells them (../../training/worker-count.ts). */
export function defaultWorkerCount(backend: string, nav: { hardwareConcurrency?: number; deviceMemory?: number } = navigator): number {
  return countFor(backend, nav);
}

export function startWebWorkerReplicas(count: number, start: Omit<ReplicaStart, 'type'>): ReplicaPort[] {
  return Array.from({ length: count }, (_, i) => webWorkerReplica(i + 1, start));
}

function webWorkerReplica(index: number, start: Omit<ReplicaStart, 'type'>): ReplicaPort {
  const worker = startModuleWorker(replicaWorkerUrl, `diffusion-lab-replica-${index}`);
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
