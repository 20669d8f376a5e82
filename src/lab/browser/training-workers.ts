/**
 * How many workers share a training run in the page, and where they come from: the lab's option
 * `workers` (a fixed count gives a reproducible run), by default one per core (see
 * defaultWorkerCount). The lab's worker computes one share itself; the others run in
 * replica workers (web-worker-replicas.ts). A GPU backend trains in one worker whatever the
 * option says: the workers would share one device.
 */
import type { BackendName } from '../../backend/names';
import type { ReplicaPort } from '../../training/replica-protocol';
import { MAX_PAGE_WORKERS } from '../../training/worker-count';
import type { WorkerInit } from './protocol';
import { defaultWorkerCount, startWebWorkerReplicas } from './web-worker-replicas';

export { MAX_PAGE_WORKERS };

/** Where a run's data-parallel replicas come from. */
export interface ReplicaSource {
  /** Workers that share each batch, the lab's own worker included. */
  readonly workers: number;
  /** Starts `workers − 1` replicas. */
  start(): ReplicaPort[];
}

/** `measured`: the count that won the backend's timed step (measured-backend.ts), used for 'auto'. */
export function replicaSourceFor(init: Pick<WorkerInit, 'workers' | 'wasmBase'>, backend: BackendName, measured?: number): ReplicaSource {
  const asked = init.workers ?? 'auto';
  if (asked !== 'auto' && !(Number.isInteger(asked) && asked >= 1 && asked <= MAX_PAGE_WORKERS)) {
    throw new RangeError(`LabOptions.workers must be 'auto' or an integer from 1 to ${MAX_PAGE_WORKERS}, got ${JSON.stringify(asked)}`);
  }
  const onCpu = backend === 'wasm' || backend === 'cpu';
  const workers = !onCpu ? 1 : asked === 'auto' ? (measured ?? defaultWorkerCount(backend)) : asked;
  return { workers, start: () => startWebWorkerReplicas(workers - 1, { backend, wasmBase: init.wasmBase }) };
}
