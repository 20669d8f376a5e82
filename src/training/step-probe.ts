/**
 * One real training step on synthetic data, timed: the loss and gradient of a batch
 * (batch-gradient.ts) and the Adam update, the work a data-parallel replica does per step. The
 * lab's "auto" backend (lab/browser/backend-probe.ts) times it on each usable backend and trains
 * on the fastest. The data are random, not MNIST: a step costs the same whatever the pixels hold,
 * and the probe must not wait for the data set to load.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam } from './adam';
import { readSliceGradient, type BatchShape, type GradientModel, type TargetScheduler, type TrainingBatch } from './batch-gradient';

/** A batch of `count` rows of uniform pixels in [−1, 1], random labels and timesteps, Gaussian noise. */
export function syntheticBatch(count: number, shape: BatchShape, numTrainTimesteps: number, seed = 1): TrainingBatch {
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`a probe batch needs at least one row, got ${count}`);
  let state = seed >>> 0 || 1;
  // xorshift32: any cheap, repeatable stream will do for data whose values do not matter.
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const pixels = shape.imageShape[0] * shape.imageShape[1] * shape.imageShape[2];
  const images = new Float32Array(count * pixels).map(() => next() * 2 - 1);
  // Sums of uniforms: a rough Gaussian, enough for a timing.
  const noise = new Float32Array(count * pixels).map(() => next() + next() + next() - 1.5);
  const labels = new Int32Array(count).map(() => Math.floor(next() * Math.max(1, shape.numClasses + 1)));
  const timesteps = new Int32Array(count).map(() => Math.floor(next() * numTrainTimesteps));
  return { count, images, labels, timesteps, noise, weights: null };
}

/** Times training steps of one network on one backend. */
export class StepProbe {
  private readonly optimizer: Adam;
  private readonly batches = new Map<number, TrainingBatch>();

  constructor(
    private readonly model: GradientModel,
    private readonly scheduler: TargetScheduler,
    private readonly shape: BatchShape,
    private readonly numTrainTimesteps: number,
  ) {
    this.optimizer = new Adam(model.variables, { learningRate: 1e-4 });
  }

  /** One step on `count` rows: milliseconds from the first kernel to the updated weights read back. */
  async step(count: number): Promise<number> {
    let batch = this.batches.get(count);
    if (!batch) {
      batch = syntheticBatch(count, this.shape, this.numTrainTimesteps);
      this.batches.set(count, batch);
    }
    const start = performance.now();
    const { gradient } = await readSliceGradient(this.model, this.scheduler, batch, this.shape);
    const variables = this.model.variables;
    tf.tidy(() => {
      this.optimizer.applyFlat(tf.tensor1d(gradient));
    });
    // The update is queued on a GPU backend: wait for it, so the time covers the whole step.
    const first = variables.values().next().value;
    if (first) await first.data();
    return performance.now() - start;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
