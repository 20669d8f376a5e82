/**
 * Data-parallel replicas on worker_threads: one Worker per replica, each with its own tfjs and
 * backend (wasm runs one thread per instance, so each worker takes a core). The TypeScript
 * program runs through tsx, the loader the project's scripts use.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { FromReplica, ReplicaPort } from '../training/replica-protocol';

const PROGRAM = new URL('./replica-thread.ts', import.meta.url);

export interface ThreadReplicaOptions {
  /** The threads' memory limits; a thread over them dies (ERR_WORKER_OUT_OF_MEMORY) and is dropped. */
  resourceLimits?: ResourceLimits;
}

/** Starts `count` replicas on the named backend (the coordinator's own). */
export function startThreadReplicas(count: number, backend: string, options: ThreadReplicaOptions = {}): ReplicaPort[] {
  return Array.from({ length: count }, () => threadReplica(backend, options));
}

function threadReplica(backend: string, options: ThreadReplicaOptions): ReplicaPort {
  // tsx's loader, registered inside the thread (a Worker's execArgv does not carry --import hooks).
  const boot = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(PROGRAM.href)}, ${JSON.stringify(import.meta.url)}));`;
  const worker = new Worker(boot, { eval: true, workerData: { backend }, resourceLimits: options.resourceLimits });
  let terminated = false;
  let onFailure: ((reason: string) => void) | null = null;
  const failed = (reason: string): void => {
    if (terminated) return;
    terminated = true;
    onFailure?.(reason);
  };
  worker.on('error', (error) => failed(error instanceof Error ? error.message : String(error)));
  worker.on('exit', (code) => failed(`the thread exited with code ${code}`));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (handler) => worker.on('message', (message: FromReplica) => handler(message)),
    onFailure: (handler) => {
      onFailure = handler;
    },
    terminate: () => {
      terminated = true;
      void worker.terminate();
    },
  };
}
