/**
 * A tiny GAN on 2-D points (Goodfellow et al. 2014): a generator G maps latent noise z ~ N(0, I)
 * to a point, a discriminator D gives the logit that a point is real. Both are small ReLU MLPs.
 *
 * Losses, with σ the logistic function and D(x) = σ(logit(x)):
 *   discriminator: −log D(x) − log(1 − D(G(z)))        (Goodfellow et al. 2014, eq. 1, maximised by D)
 *   generator:     −log D(G(z))                        (the "non-saturating" loss of §3 of the same paper)
 * written with softplus, since −log σ(a) = softplus(−a) and −log(1 − σ(a)) = softplus(a), which
 * never takes the log of 0. One discriminator step and one generator step (with fresh z) per
 * training step, as Algorithm 1 with k = 1.
 *
 * The defaults are the classic small setup of mode-collapse demonstrations on a ring of Gaussians:
 * Metz et al. 2017 ("Unrolled Generative Adversarial Networks", Fig. 1) trained small ReLU MLPs
 * (a generator with two hidden layers of 128 units) with Adam at β₁ = 0.5 on a ring of 8 Gaussians
 * and saw the generator jump from mode to mode instead of covering them all.
 *
 * Weights and latent noise come from the project's seeded Rng, so a seed gives the same start in
 * Node and in a browser. All tensors live in this object and are freed by dispose().
 */
import * as tf from '@tensorflow/tfjs';
import { FusedAdam } from '../backend/ops/adam';
import { Rng } from '../data/rng';

export interface GanConfig {
  /** Size of the latent vector z. */
  latentDim: number;
  /** Units per hidden layer (both networks). */
  hidden: number;
  /** Hidden layers per network. */
  layers: number;
  /** Adam step size of the generator (and of the discriminator unless set apart). */
  learningRate: number;
  /** Adam step size of the discriminator; defaults to learningRate. */
  discriminatorLearningRate?: number;
  /** Adam's β₁; 0.5 is the usual GAN choice (Radford et al. 2016) and the one of Metz et al. 2017. */
  beta1: number;
  beta2: number;
  seed: number;
}

export const GAN_DEFAULTS: Omit<GanConfig, 'seed'> = {
  latentDim: 2,
  hidden: 128,
  layers: 2,
  learningRate: 1e-3,
  beta1: 0.5,
  beta2: 0.999,
};

export interface GanStepLosses {
  /** −log D(x) − log(1 − D(G(z))), averaged over the batch; log 4 ≈ 1.386 when D outputs ½ everywhere. */
  discriminator: number;
  /** −log D(G(z)) averaged over the batch; log 2 ≈ 0.693 when D outputs ½. */
  generator: number;
}

interface Layer {
  w: tf.Variable;
  b: tf.Variable;
}

/** He initialisation (He et al. 2015, eq. 10): weights ~ N(0, 2 / fan_in), biases 0. */
function denseLayer(fanIn: number, fanOut: number, rng: Rng): Layer {
  const scale = Math.sqrt(2 / fanIn);
  const values = rng.fillNormal(new Float32Array(fanIn * fanOut)).map((v) => v * scale);
  // tf.variable copies its initial value; tidy frees the temporaries.
  return tf.tidy(() => ({
    w: tf.variable(tf.tensor2d(values, [fanIn, fanOut]), true),
    b: tf.variable(tf.zeros([fanOut]), true),
  }));
}

function buildMlp(inputs: number, hidden: number, layers: number, outputs: number, rng: Rng): Layer[] {
  const sizes = [inputs, ...Array.from({ length: layers }, () => hidden), outputs];
  return sizes.slice(1).map((fanOut, i) => denseLayer(sizes[i], fanOut, rng));
}

/** ReLU after every layer but the last (linear output). */
function runMlp(net: readonly Layer[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  net.forEach((layer, i) => {
    const last = i === net.length - 1;
    h = tf.fused.matMul({ a: h, b: layer.w, bias: layer.b, activation: last ? 'linear' : 'relu' }) as tf.Tensor2D;
  });
  return h;
}

/** −log σ(real) − log(1 − σ(fake)) = softplus(−real) + softplus(fake), batch means (Goodfellow et al. 2014, eq. 1). */
function discriminatorLoss(realLogits: tf.Tensor2D, fakeLogits: tf.Tensor2D): tf.Scalar {
  return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits)));
}

/** Non-saturating generator loss −log σ(fake) = softplus(−fake) (Goodfellow et al. 2014, §3). */
function generatorLoss(fakeLogits: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(fakeLogits)));
}

function variablesOf(net: readonly Layer[]): tf.Variable[] {
  return net.flatMap((layer) => [layer.w, layer.b]);
}

function checkConfig(c: GanConfig): void {
  const whole = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new Error(`TinyGan: ${name} must be a whole number ≥ ${min}, got ${v}`);
  };
  whole('latentDim', c.latentDim, 1);
  whole('hidden', c.hidden, 1);
  whole('layers', c.layers, 1);
  for (const [name, lr] of [['learningRate', c.learningRate], ['discriminatorLearningRate', c.discriminatorLearningRate ?? c.learningRate]] as const) {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`TinyGan: ${name} must be a number > 0, got ${lr}`);
  }
  for (const [name, b] of [['beta1', c.beta1], ['beta2', c.beta2]] as const) {
    if (!(b >= 0 && b < 1)) throw new Error(`TinyGan: ${name} must be in [0, 1), got ${b}`);
  }
  if (!Number.isFinite(c.seed)) throw new Error(`TinyGan: seed must be a finite number, got ${c.seed}`);
}

export class TinyGan {
  readonly config: GanConfig;
  /** Training steps taken (each one discriminator and one generator update). */
  step = 0;
  private readonly generator: Layer[];
  private readonly discriminator: Layer[];
  private readonly generatorVars: tf.Variable[];
  private readonly discriminatorVars: tf.Variable[];
  private readonly generatorAdam: FusedAdam;
  private readonly discriminatorAdam: FusedAdam;
  /** Latent noise of training steps; sampling takes the caller's Rng instead. */
  private readonly noiseRng: Rng;
  private disposed = false;

  constructor(config: Partial<GanConfig> & { seed: number }) {
    this.config = { ...GAN_DEFAULTS, ...config };
    checkConfig(this.config);
    const { latentDim, hidden, layers, learningRate, discriminatorLearningRate, beta1, beta2, seed } = this.config;
    const init = new Rng(seed);
    this.generator = buildMlp(latentDim, hidden, layers, 2, init.fork());
    this.discriminator = buildMlp(2, hidden, layers, 1, init.fork());
    this.noiseRng = init.fork();
    this.generatorVars = variablesOf(this.generator);
    this.discriminatorVars = variablesOf(this.discriminator);
    const adam = { beta1, beta2, epsilon: 1e-8 };
    this.generatorAdam = new FusedAdam(this.generatorVars, { ...adam, learningRate });
    this.discriminatorAdam = new FusedAdam(this.discriminatorVars, { ...adam, learningRate: discriminatorLearningRate ?? learningRate });
  }

  /** Number of trainable numbers in G and D. */
  get parameterCount(): { generator: number; discriminator: number } {
    const count = (vars: tf.Variable[]): number => vars.reduce((n, v) => n + v.size, 0);
    return { generator: count(this.generatorVars), discriminator: count(this.discriminatorVars) };
  }

  /**
   * One discriminator update on `real` (2·n numbers, x and y interleaved) against n generated
   * points, then one generator update on n fresh latent vectors. Returns both losses (read back
   * once per step: the networks are small enough that this costs little on wasm and cpu).
   */
  trainStep(real: Float32Array): GanStepLosses {
    this.checkAlive();
    const n = this.pairs(real, 'trainStep');
    const dLoss = this.discriminatorStep(real, this.latent(n, this.noiseRng));
    const gLoss = this.generatorStep(this.latent(n, this.noiseRng));
    this.step += 1;
    return { discriminator: dLoss, generator: gLoss };
  }

  /** `count` generated points, x and y interleaved; the latent noise comes from `rng`. */
  sample(count: number, rng: Rng): { points: Float32Array } {
    this.checkAlive();
    if (!Number.isInteger(count) || count < 0) throw new Error(`TinyGan.sample: count must be a whole number ≥ 0, got ${count}`);
    if (count === 0) return { points: new Float32Array(0) };
    const z = this.latent(count, rng);
    const out = tf.tidy(() => runMlp(this.generator, tf.tensor2d(z, [count, this.config.latentDim])));
    const points = out.dataSync() as Float32Array;
    out.dispose();
    return { points: Float32Array.from(points) };
  }

  /**
   * Both losses on `real` against n generated points whose latent noise comes from `rng`, without
   * changing any weight (the same z serves both terms).
   */
  losses(real: Float32Array, rng: Rng): GanStepLosses {
    this.checkAlive();
    const n = this.pairs(real, 'losses');
    const z = this.latent(n, rng);
    const values = tf.tidy(() => {
      const fakeLogits = runMlp(this.discriminator, runMlp(this.generator, tf.tensor2d(z, [n, this.config.latentDim])));
      const realLogits = runMlp(this.discriminator, tf.tensor2d(real, [n, 2]));
      return tf.stack([discriminatorLoss(realLogits, fakeLogits), generatorLoss(fakeLogits)]);
    });
    const [discriminator, generator] = values.dataSync();
    values.dispose();
    return { discriminator, generator };
  }

  /** D's probability that each point is real, for drawing its decision landscape. */
  discriminate(points: Float32Array): Float32Array {
    this.checkAlive();
    const n = Math.floor(points.length / 2);
    if (n === 0) return new Float32Array(0);
    const out = tf.tidy(() => tf.sigmoid(runMlp(this.discriminator, tf.tensor2d(points.subarray(0, 2 * n), [n, 2]))));
    const probs = Float32Array.from(out.dataSync() as Float32Array);
    out.dispose();
    return probs;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generatorAdam.dispose();
    this.discriminatorAdam.dispose();
    tf.dispose([...this.generatorVars, ...this.discriminatorVars]);
  }

  private latent(count: number, rng: Rng): Float32Array {
    return rng.fillNormal(new Float32Array(count * this.config.latentDim));
  }

  private discriminatorStep(real: Float32Array, z: Float32Array): number {
    const n = real.length / 2;
    const { value, grads } = tf.tidy(() => {
      const x = tf.tensor2d(real, [n, 2]);
      // G is held fixed here: its output is a constant input to D's loss.
      const fake = runMlp(this.generator, tf.tensor2d(z, [n, this.config.latentDim]));
      return tf.variableGrads(() => {
        return discriminatorLoss(runMlp(this.discriminator, x), runMlp(this.discriminator, fake));
      }, this.discriminatorVars);
    });
    return this.applyAndRead(this.discriminatorAdam, this.discriminatorVars, value, grads);
  }

  private generatorStep(z: Float32Array): number {
    const n = z.length / this.config.latentDim;
    const { value, grads } = tf.tidy(() => {
      const latent = tf.tensor2d(z, [n, this.config.latentDim]);
      return tf.variableGrads(() => {
        return generatorLoss(runMlp(this.discriminator, runMlp(this.generator, latent)));
      }, this.generatorVars);
    });
    return this.applyAndRead(this.generatorAdam, this.generatorVars, value, grads);
  }

  private applyAndRead(adam: FusedAdam, vars: tf.Variable[], value: tf.Scalar, grads: tf.NamedTensorMap): number {
    adam.apply(vars.map((v) => grads[v.name]));
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
  }

  /** Number of x, y pairs in `points`; throws on an odd or empty array. */
  private pairs(points: Float32Array, method: string): number {
    if (points.length < 2 || points.length % 2 !== 0) {
      throw new Error(`TinyGan.${method}: expected x, y pairs (an even, non-zero length), got ${points.length} numbers`);
    }
    return points.length / 2;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('TinyGan was disposed');
  }
}
