/**
 * A data-parallel replica: holds a copy of the network and of Adam's state, computes the loss and
 * gradient of the share of each batch it is sent, and applies the combined gradient it gets back
 * (data-parallel.ts). It needs no data set, random generator or EMA: the coordinator draws the
 * batches and keeps the EMA, so the state an exact resume needs lives in one place.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam } from './adam';
import { readSliceGradient, unflattenGradient, type GradientModel, type TargetScheduler } from './batch-gradient';
import type { ReplicaEndpoint, ReplicaSetup, ToReplica } from './replica-protocol';
import { StepProbe } from './step-probe';

export interface ReplicaParts {
  model: GradientModel & { dispose(): void };
  scheduler: TargetScheduler;
}

/** Builds the network and scheduler a setup names (the host knows the model classes). */
export type ReplicaBuilder = (setup: ReplicaSetup) => ReplicaParts | Promise<ReplicaParts>;

/**
 * Answers the coordinator's messages in the order they came, one at a time. A failure is reported
 * as an 'error' message; the coordinator then stops using this replica.
 */
export function serveReplica(endpoint: ReplicaEndpoint, build: ReplicaBuilder): void {
  let setup: ReplicaSetup | null = null;
  let parts: ReplicaParts | null = null;
  let optimizer: Adam | null = null;
  let probe: StepProbe | null = null;
  let failed = false;

  const handle = async (message: ToReplica): Promise<void> => {
    switch (message.type) {
      case 'setup':
        setup = message.setup;
        parts = await build(setup);
        return;
      case 'sync': {
        if (!parts) throw new Error('replica: sync before setup');
        const names = [...parts.model.variables.keys()];
        if (names.join('\n') !== message.names.join('\n')) throw new Error('replica: the coordinator\'s parameters differ from this network\'s');
        optimizer?.dispose();
        optimizer = null;
        const variables = parts.model.variables;
        tf.tidy(() => {
          const weights = unflattenGradient(message.weights, variables);
          for (const [name, v] of variables) v.assign(weights[name]);
        });
        // Made after the weights are in place, so its flat copy of them is gathered once.
        optimizer = new Adam(variables, message.adam);
        tf.tidy(() => optimizer!.setFlatState(tf.tensor1d(message.m), tf.tensor1d(message.v), message.adamStep));
        return;
      }
      case 'gradient': {
        if (!parts || !setup) throw new Error('replica: gradient before setup');
        const { loss, gradient } = await readSliceGradient(parts.model, parts.scheduler, message.batch, setup);
        // A copy that owns its buffer, so it can be transferred.
        const own = gradient.byteOffset === 0 && gradient.byteLength === gradient.buffer.byteLength ? gradient : gradient.slice();
        endpoint.post({ type: 'gradient', step: message.step, loss, gradient: own }, [own.buffer as ArrayBuffer]);
        return;
      }
      case 'probe': {
        if (!parts || !setup) throw new Error('replica: probe before setup');
        probe ??= new StepProbe(parts.model, parts.scheduler, setup, message.numTrainTimesteps);
        endpoint.post({ type: 'probed', ms: await probe.step(message.count) }, []);
        return;
      }
      case 'apply': {
        if (!parts || !optimizer) throw new Error('replica: apply before sync');
        optimizer.config.learningRate = message.learningRate;
        const opt = optimizer;
        tf.tidy(() => {
          opt.applyFlat(tf.tensor1d(message.gradient));
        });
        return;
      }
    }
  };

  let queue = Promise.resolve();
  endpoint.onMessage((message) => {
    queue = queue.then(async () => {
      if (failed) return;
      try {
        await handle(message);
      } catch (error) {
        failed = true;
        endpoint.post({ type: 'error', message: error instanceof Error ? error.message : String(error) }, []);
      }
    });
  });
}
