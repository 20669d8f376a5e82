/**
 * The messages between a data-parallel trainer (data-parallel.ts) and the processes that compute
 * gradients for it (replica.ts), and the transport they travel on: anything postMessage-like, a
 * Web Worker in a page, a worker_threads Worker in Node, or a function call in a test.
 */
import type { AdamConfig } from './adam';
import type { BatchShape, TrainingBatch } from './batch-gradient';

/** What a replica builds its network and scheduler from (the host's builder reads `model` and `scheduler`). */
export interface ReplicaSetup extends BatchShape {
  /** The network's configuration, as the host's builder understands it (a UNetConfig for the U-Net). */
  model: Record<string, unknown>;
  /** The noise scheduler's configuration (a DDPMScheduler's config). */
  scheduler: Record<string, unknown>;
}

export type ToReplica =
  | { type: 'setup'; setup: ReplicaSetup }
  /** Replace the replica's weights and Adam state by the coordinator's (flat, in parameter order). */
  | { type: 'sync'; names: string[]; adam: AdamConfig; adamStep: number; weights: Float32Array; m: Float32Array; v: Float32Array }
  /** Compute the mean loss and flat gradient of this share of the step's batch. */
  | { type: 'gradient'; step: number; batch: TrainingBatch }
  /** Apply the step's combined gradient with Adam (the same update the coordinator applies). */
  | { type: 'apply'; gradient: Float32Array; learningRate: number }
  /** Time one training step of `count` synthetic rows on this replica's backend (step-probe.ts). */
  | { type: 'probe'; count: number; numTrainTimesteps: number };

export type FromReplica =
  | { type: 'gradient'; step: number; loss: number; gradient: Float32Array }
  | { type: 'probed'; ms: number }
  | { type: 'error'; message: string };

/** The coordinator's end of one replica. */
export interface ReplicaPort {
  post(message: ToReplica, transfer: ArrayBuffer[]): void;
  onMessage(handler: (message: FromReplica) => void): void;
  /** Called (at most once) when the replica can no longer answer: it crashed, ran out of memory, exited. */
  onFailure(handler: (reason: string) => void): void;
  terminate(): void;
}

/** The replica's end: messages from the coordinator in, answers out. */
export interface ReplicaEndpoint {
  post(message: FromReplica, transfer: ArrayBuffer[]): void;
  onMessage(handler: (message: ToReplica) => void): void;
}

/**
 * Rows [start, end) for each of `workers` workers: contiguous shares of a batch of `count`, as
 * equal as possible (the first `count mod workers` get one more); a worker gets no share when the
 * batch has fewer rows than workers.
 */
export function splitBatch(count: number, workers: number): Array<[number, number]> {
  const used = Math.max(1, Math.min(workers, count));
  const base = Math.floor(count / used);
  const extra = count % used;
  const shares: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < used; i++) {
    const end = start + base + (i < extra ? 1 : 0);
    shares.push([start, end]);
    start = end;
  }
  return shares;
}
