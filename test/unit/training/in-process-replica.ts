/**
 * A replica served in this process: messages go through the event loop as they would through
 * postMessage (without copying), so the coordinator's maths and its failure handling can be tested
 * without threads. `kill` makes the transport report a failure, as a crashed worker's would.
 */
import { serveReplica, type ReplicaBuilder } from '../../../src/training/replica';
import type { FromReplica, ReplicaPort, ToReplica } from '../../../src/training/replica-protocol';

export interface InProcessReplica extends ReplicaPort {
  kill(reason: string): void;
  /** Messages the replica received, by type. */
  readonly received: Map<string, number>;
}

export function inProcessReplica(build: ReplicaBuilder): InProcessReplica {
  let toReplica: ((m: ToReplica) => void) | null = null;
  let toCoordinator: ((m: FromReplica) => void) | null = null;
  let failure: ((reason: string) => void) | null = null;
  let dead = false;
  const received = new Map<string, number>();
  serveReplica(
    {
      post: (message) => setTimeout(() => !dead && toCoordinator?.(message), 0),
      onMessage: (handler) => {
        toReplica = handler;
      },
    },
    build,
  );
  return {
    received,
    post(message) {
      if (dead) throw new Error('the replica was terminated');
      received.set(message.type, (received.get(message.type) ?? 0) + 1);
      setTimeout(() => !dead && toReplica?.(message), 0);
    },
    onMessage(handler) {
      toCoordinator = handler;
    },
    onFailure(handler) {
      failure = handler;
    },
    terminate() {
      dead = true;
    },
    kill(reason) {
      if (dead) return;
      dead = true;
      failure?.(reason);
    },
  };
}
