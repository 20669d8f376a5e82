/**
 * The training plumbing both classifiers share: Adam (src/lab/adam.ts) over a model's named
 * variables, a seeded Rng for the per-step randomness, a settable peak learning rate, and one
 * optimisation step on a loss closure.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../data/rng';
import { Adam, type AdamConfig } from '../training/adam';

export abstract class AdamTrainer {
  protected readonly rng: Rng;
  private readonly optimizer: Adam;
  /** tfjs's global variable names → the model's weight names, which Adam's state is keyed by. */
  private readonly names: Map<string, string>;

  protected constructor(
    private readonly trainables: ReadonlyMap<string, tf.Variable>,
    adam: Partial<AdamConfig>,
    seed: number,
    maxShift: number,
  ) {
    if (!Number.isInteger(maxShift) || maxShift < 0) throw new Error(`maxShift must be an integer ≥ 0, got ${maxShift}`);
    this.optimizer = new Adam(trainables, adam);
    this.rng = new Rng(seed);
    this.names = new Map([...trainables].map(([name, v]) => [v.name, name]));
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
    const variables = [...this.trainables.values()];
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, variables);
      const named: tf.NamedTensorMap = {};
      for (const [internal, g] of Object.entries(grads)) named[this.names.get(internal) ?? internal] = g;
      this.optimizer.apply(named).dispose();
      return value;
    });
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
