/**
 * The training plumbing both classifiers share: Adam (src/training/adam.ts) over a model's named
 * variables, a seeded Rng for the per-step randomness, a settable peak learning rate, and one
 * optimisation step on a loss closure.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import { Adam, type AdamConfig } from '../training/adam';

export abstract class AdamTrainer {
  protected readonly rng: Rng;
  private readonly optimizer: Adam;

  protected constructor(
    trainables: ReadonlyMap<string, tf.Variable>,
    adam: Partial<AdamConfig>,
    seed: number,
    maxShift: number,
  ) {
    if (!Number.isInteger(maxShift) || maxShift < 0) throw new Error(`maxShift must be an integer ≥ 0, got ${maxShift}`);
    this.optimizer = new Adam(trainables, adam);
    this.rng = new Rng(seed);
  }

  get step(): number {
    return this.optimizer.step;
  }

  /** Changes the peak learning rate from the next step on (for a decay schedule). */
  setLearningRate(learningRate: number): void {
    if (!(learningRate > 0)) throw new Error(`learning rate must be > 0, got ${learningRate}`);
    this.optimizer.config.learningRate = learningRate;
  }

  /** One Adam step on the gradient of `loss`; returns the loss scalar, which the caller disposes. */
  protected minimize(loss: () => tf.Scalar): tf.Scalar {
    return this.optimizer.minimize(loss);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
