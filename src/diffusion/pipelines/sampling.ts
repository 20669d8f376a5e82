/**
 * The sampling loop shared by the command line (`npm run sample`, `npm run eval`) and the lessons
 * (the lab's worker): start from x_T and apply a DDPM (Ho et al. 2020, Algorithm 2) or DDIM
 * (Song et al. 2021, eq. 12) step per visited timestep, with optional classifier-free guidance
 * (Ho & Salimans 2022, eq. 6: ε̃ = (1 + w)·ε(x, c) − w·ε(x)) and optional classifier guidance by a
 * noise-aware classifier (Dhariwal & Nichol 2021, Algorithm 2: ε̂ = ε − s·√(1−ᾱ_t)·∇ log p_φ(y | x_t); eq. 14 is s = 1).
 * The two compose: classifier guidance shifts whatever ε the model (guided or not) predicted.
 *
 * Host-neutral and chunked: each step runs the network on chunks of at most `batchSize` images,
 * `onStep` and `yieldToEventLoop` are awaited after every step (a page stays responsive), and
 * every tensor is freed inside tf.tidy or disposed explicitly. With guidance the conditional and
 * the unconditional inputs of a chunk go through the network as one batch of 2B.
 *
 * Randomness comes from the caller: x_T as plain numbers, and the per-step noise from an Rng drawn
 * step-major (step 1's noise for every image, then step 2's, ...), so a seed gives the same images
 * whatever the chunk size. `initialNoise` and `stepNoiseRng` keep the two streams apart, so every
 * sampler starts from the same x_T for a seed.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../data/rng';
import { classifierFreeGuidance, DDIMScheduler, DDPMScheduler, type StepOptions, type StepResult } from '..';
import { classifierGuidedEpsilon, classifierLogProbGradient, type NoisyClassifierLike } from '../classifier-guidance';

export const SAMPLERS = ['ddpm', 'ddim'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** What sampling needs of a network (the U-Net satisfies it). */
export interface NoisePredictor {
  readonly config: { imageSize: number; channels: number; numClasses: number };
  apply(x: tf.Tensor4D, t: tf.Tensor1D, labels?: tf.Tensor1D | null): tf.Tensor4D;
}

/** What sampling needs of a scheduler (DDPMScheduler and DDIMScheduler satisfy it). */
export interface SamplingScheduler {
  readonly config: { numTrainTimesteps: number; predictionType?: string };
  readonly timesteps: Int32Array;
  /** ᾱ_t for t = 0..T−1 (read by classifier guidance). */
  readonly alphasCumprod: ArrayLike<number>;
  setTimesteps(numInferenceSteps: number): void;
  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, options?: StepOptions): StepResult;
}

/** One finished step, as reported to `onStep`. */
export interface SamplingStep {
  /** 0-based index of the step. */
  index: number;
  /** Number of steps in the run. */
  total: number;
  /** The timestep t this step started from. */
  timestep: number;
  /** Network evaluations per image so far. */
  nfe: number;
  /**
   * x_t, the input of this step, and x̂_0 predicted at it, for every image (count × S × S × C).
   * Read back from the device only when `recordSteps` is on (the default when onStep is given);
   * empty arrays otherwise.
   */
  xt: Float32Array;
  x0: Float32Array;
}

/** A label per image: a class 0..numClasses−1, or null for "no label" (the model's null label). */
export type ImageLabel = number | null;

/** Classifier guidance (Dhariwal & Nichol 2021, sec. 4.2, eq. 14 / Algorithm 2). */
export interface ClassifierGuidanceOptions {
  /** A classifier trained on x_t of the same noise schedule (same T and ᾱ_t) as the model. */
  classifier: NoisyClassifierLike;
  /** Gradient scale s ≥ 0 (0 = none: the samples are exactly the unguided ones). */
  scale: number;
  /**
   * The class to steer each image towards (one for all, or one per image; null = unguided).
   * Independent of `labels`, so an unconditional model (labels null) can be steered. Default:
   * `labels`.
   */
  targets?: ImageLabel | ArrayLike<ImageLabel> | null;
}

export interface SampleOptions {
  model: NoisePredictor;
  scheduler: SamplingScheduler;
  /** Number of inference steps (setTimesteps(steps) is called here). */
  steps: number;
  /** DDIM's η in [0, 1] (Song et al. 2021, eq. 16); DDPM ignores it. Default 0. */
  eta?: number;
  /** Guidance weight w ≥ 0 (0 = none). Images whose label is null are sampled unguided. */
  guidance?: number;
  /** One label per image, or null / omitted for unconditional samples. See `expandLabels`. */
  labels?: ArrayLike<ImageLabel> | null;
  /** Classifier guidance; composes with `guidance` (see the module comment). */
  classifierGuidance?: ClassifierGuidanceOptions | null;
  /** x_T for all images, count × S × S × C standard normal values. */
  xT: Float32Array;
  /** Source of the per-step noise (DDPM, and DDIM with η > 0). */
  rng: Rng;
  /** Images per network call (default 64); a guided call holds twice as many inputs. */
  batchSize?: number;
  onStep?: (step: SamplingStep) => void | Promise<void>;
  /** Read x_t and x̂_0 back for onStep (default: true when onStep is given). */
  recordSteps?: boolean;
  /** Awaited after every step, e.g. to let a page draw. */
  yieldToEventLoop?: () => Promise<void>;
  signal?: AbortSignal;
}

export interface SampleResult {
  /** Final samples x_0, count × S × S × C (not clipped: with clipSample they are already in [-1, 1]). */
  images: Float32Array;
  count: number;
  /**
   * Network evaluations per image (NFE): one per step, two per guided step (ε(x, c) and ε(x)), as
   * sampling papers count them, even though both share one batched call here.
   */
  nfe: number;
  /** Calls of model.apply actually made. */
  modelCalls: number;
  /** Classifier gradients per image (one per classifier-guided step; 0 without classifier guidance). */
  classifierEvals: number;
}

/** Thrown when `signal` aborts; `name` is "AbortError" like the platform's abort errors. */
export class SamplingAbortedError extends Error {
  constructor(readonly stepsDone: number) {
    super(`sampling was stopped after ${stepsDone} step${stepsDone === 1 ? '' : 's'}`);
    this.name = 'AbortError';
  }
}

/** Scheduler settings shared by DDPM and DDIM (diffusers' names in camelCase). */
const SHARED_KEYS = [
  'numTrainTimesteps',
  'betaStart',
  'betaEnd',
  'betaSchedule',
  'trainedBetas',
  'rescaleBetasZeroSnr',
  'clipSample',
  'clipSampleRange',
  'predictionType',
  'timestepSpacing',
  'stepsOffset',
] as const;

/**
 * A scheduler of the requested kind for a model trained with `trainedConfig` (e.g. a checkpoint's
 * scheduler record, possibly of the other kind): the noise schedule and the shared sampling
 * settings carry over, the other kind's own settings are left out, and `overrides` win.
 */
export function schedulerFor(
  sampler: SamplerName,
  trainedConfig: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
): DDPMScheduler | DDIMScheduler {
  if (!(SAMPLERS as readonly string[]).includes(sampler)) {
    throw new Error(`unknown sampler "${String(sampler)}"; allowed: ${SAMPLERS.join(', ')}`);
  }
  const shared: Record<string, unknown> = {};
  for (const key of SHARED_KEYS) if (trainedConfig[key] !== undefined) shared[key] = trainedConfig[key];
  if (sampler === 'ddpm') {
    if (trainedConfig.varianceType !== undefined) shared.varianceType = trainedConfig.varianceType;
    return new DDPMScheduler({ ...shared, ...overrides });
  }
  if (trainedConfig.setAlphaToOne !== undefined) shared.setAlphaToOne = trainedConfig.setAlphaToOne;
  return new DDIMScheduler({ ...shared, ...overrides });
}

/** One label per image from a single label (or none) for all, or a list that must have `count` entries. */
export function expandLabels(labels: ImageLabel | undefined | ArrayLike<ImageLabel>, count: number): ImageLabel[] {
  if (labels === undefined || labels === null || typeof labels === 'number') {
    return new Array<ImageLabel>(count).fill(labels ?? null);
  }
  if (labels.length !== count) throw new Error(`labels: expected one per image (${count}), got ${labels.length}`);
  return Array.from(labels);
}

/** x_T for `count` images of `pixels` values each: the first count × pixels normals of Rng(seed). */
export function initialNoise(seed: number, count: number, pixels: number): Float32Array {
  return new Rng(seed).fillNormal(new Float32Array(count * pixels));
}

/** The per-step noise stream for a seed, apart from x_T's stream Rng(seed). */
export function stepNoiseRng(seed: number): Rng {
  // XOR with a fixed constant (the first 32 bits of √2's fraction, as in SHA-256's IV) gives
  // another splitmix seed, hence an unrelated stream.
  return new Rng((Math.floor(seed) ^ 0x6a09e667) >>> 0);
}

interface Plan {
  count: number;
  shape: [number, number, number];
  labels: ImageLabel[] | null;
  guidance: number;
  eta: number;
  batchSize: number;
  /** Classifier guidance, only when it changes something (scale > 0 and some target). */
  classifier: { model: NoisyClassifierLike; scale: number; targets: ImageLabel[] } | null;
}

function planClassifierGuidance(
  o: SampleOptions,
  count: number,
  labels: ImageLabel[] | null,
): Plan['classifier'] {
  const g = o.classifierGuidance;
  if (!g) return null;
  const { scale, classifier } = g;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) {
    throw new Error(`classifier guidance scale must be a number ≥ 0 (0 = no guidance), got ${scale}`);
  }
  const { imageSize, channels } = o.model.config;
  if (classifier.config.imageSize !== imageSize || channels !== 1) {
    throw new Error(
      `the classifier takes ${classifier.config.imageSize}×${classifier.config.imageSize}×1 images, the model makes ${imageSize}×${imageSize}×${channels}`,
    );
  }
  // Eq. 14 shifts the model's ε; a v or x₀ prediction would need converting to ε first.
  const predictionType = o.scheduler.config.predictionType ?? 'epsilon';
  if (predictionType !== 'epsilon') {
    throw new Error(`classifier guidance shifts a predicted ε, and this model predicts ${predictionType}: use classifier-free guidance (w) with it`);
  }
  const T = o.scheduler.config.numTrainTimesteps;
  if (classifier.config.numTrainTimesteps !== T || o.scheduler.alphasCumprod.length !== T) {
    throw new Error(`the classifier was trained on T = ${classifier.config.numTrainTimesteps} timesteps, the scheduler has T = ${T}`);
  }
  const targets = g.targets === undefined ? (labels ?? new Array<ImageLabel>(count).fill(null)) : expandLabels(g.targets, count);
  targets.forEach((y, i) => {
    if (y !== null && (!Number.isInteger(y) || y < 0 || y >= classifier.config.numClasses)) {
      throw new Error(`classifier target ${y} of image ${i} is not a class 0..${classifier.config.numClasses - 1} (use null for unguided)`);
    }
  });
  if (scale === 0 || targets.every((y) => y === null)) return null;
  return { model: classifier, scale, targets };
}

function plan(o: SampleOptions): Plan {
  const { imageSize, channels, numClasses } = o.model.config;
  const pixels = imageSize * imageSize * channels;
  const count = o.xT.length / pixels;
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`xT must hold a whole number of ${imageSize}×${imageSize}×${channels} images (${pixels} values each), got ${o.xT.length} values`);
  }
  const T = o.scheduler.config.numTrainTimesteps;
  if (!Number.isInteger(o.steps) || o.steps < 1 || o.steps > T) throw new Error(`steps must be an integer in [1, ${T}], got ${o.steps}`);
  const guidance = o.guidance ?? 0;
  if (typeof guidance !== 'number' || !Number.isFinite(guidance) || guidance < 0) {
    throw new Error(`guidance weight must be a number ≥ 0 (0 = no guidance), got ${guidance}`);
  }
  const eta = o.eta ?? 0;
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta < 0 || eta > 1) {
    throw new Error(`eta must be a number in [0, 1] (0 = deterministic DDIM), got ${eta}`);
  }
  const batchSize = o.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  let labels: ImageLabel[] | null = null;
  if (o.labels) {
    labels = expandLabels(o.labels, count);
    labels.forEach((l, i) => {
      if (l === null) return;
      if (numClasses === 0) throw new Error('this model is unconditional: labels must be null');
      if (!Number.isInteger(l) || l < 0 || l >= numClasses) {
        throw new Error(`label ${l} of image ${i} is not a class 0..${numClasses - 1} (use null for no label)`);
      }
    });
    if (labels.every((l) => l === null)) labels = null;
  }
  const classifier = planClassifierGuidance(o, count, labels);
  return { count, shape: [imageSize, imageSize, channels], labels, guidance, eta, batchSize, classifier };
}

/**
 * ε for a chunk: ε(x, c) (null labels → the model's null label), or, guided, ε̃ from one call
 * on [x; x] with labels [c; ∅]. Returns a new tensor. Shared with the editing loops (editing.ts).
 */
export function predict(model: NoisePredictor, x: tf.Tensor4D, t: number, labels: ImageLabel[] | null, guidance: number): tf.Tensor4D {
  const { numClasses } = model.config;
  const b = x.shape[0];
  const ids = Int32Array.from({ length: b }, (_, i) => labels?.[i] ?? numClasses);
  return tf.tidy(() => {
    if (guidance > 0 && labels && labels.some((l) => l !== null)) {
      const both = tf.concat([x, x], 0) as tf.Tensor4D;
      const tt = tf.fill([2 * b], t, 'float32') as tf.Tensor1D;
      const ll = new Int32Array(2 * b).fill(numClasses);
      ll.set(ids, 0);
      const out = model.apply(both, tt, tf.tensor1d(ll, 'int32'));
      const [cond, uncond] = tf.split(out, 2, 0);
      return classifierFreeGuidance(cond, uncond, guidance) as tf.Tensor4D;
    }
    const tt = tf.fill([b], t, 'float32') as tf.Tensor1D;
    return model.apply(x, tt, numClasses > 0 ? tf.tensor1d(ids, 'int32') : null);
  });
}

/**
 * x_t before a step and the chunks' x̂₀ as flat arrays, for a step frame; empty arrays when the
 * steps are not recorded (reading them back would wait on the device every step).
 */
export async function readStepFrame(x: tf.Tensor, x0Parts: tf.Tensor[], record: boolean): Promise<{ xt: Float32Array; x0: Float32Array }> {
  if (!record) return { xt: new Float32Array(0), x0: new Float32Array(0) };
  const xt = new Float32Array(await x.data());
  const joined = x0Parts.length === 1 ? x0Parts[0] : tf.concat(x0Parts, 0);
  const x0 = new Float32Array(await joined.data());
  if (joined !== x0Parts[0]) joined.dispose();
  return { xt, x0 };
}

/** One batch from the chunks of a step (no copy for a single chunk); the parts are handed over, so `parts` is emptied. */
export function joinChunks(parts: tf.Tensor[]): tf.Tensor4D {
  const joined = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  if (joined !== parts[0]) parts.forEach((n) => n.dispose());
  parts.length = 0;
  return joined as tf.Tensor4D;
}

export async function sample(o: SampleOptions): Promise<SampleResult> {
  const p = plan(o);
  const [h, w, c] = p.shape;
  const pixels = h * w * c;
  const isDdim = o.scheduler instanceof DDIMScheduler;
  const record = o.recordSteps ?? o.onStep !== undefined;
  const guided = p.guidance > 0 && p.labels !== null;
  const evalsPerStep = guided ? 2 : 1;

  if (o.signal?.aborted) throw new SamplingAbortedError(0);
  o.scheduler.setTimesteps(o.steps);
  const timesteps = Int32Array.from(o.scheduler.timesteps);
  let x = tf.tensor4d(o.xT, [p.count, h, w, c]);
  let modelCalls = 0;
  try {
    for (let s = 0; s < timesteps.length; s++) {
      if (o.signal?.aborted) throw new SamplingAbortedError(s);
      const t = timesteps[s];
      // Noise for every image at once, so chunking does not change which numbers an image gets.
      const needsNoise = isDdim ? p.eta > 0 : t > 0;
      const noise = needsNoise ? o.rng.fillNormal(new Float32Array(p.count * pixels)) : null;
      const next: tf.Tensor[] = [];
      const x0: tf.Tensor[] = [];
      try {
        for (let start = 0; start < p.count; start += p.batchSize) {
          const size = Math.min(p.batchSize, p.count - start);
          const labels = p.labels ? p.labels.slice(start, start + size) : null;
          const result = tf.tidy(() => {
            const chunk = tf.slice(x, [start, 0, 0, 0], [size, h, w, c]);
            let eps = predict(o.model, chunk, t, labels, p.guidance);
            if (p.classifier) {
              const targets = p.classifier.targets.slice(start, start + size);
              if (targets.some((y) => y !== null)) {
                const grad = classifierLogProbGradient(p.classifier.model, chunk, t, targets);
                eps = classifierGuidedEpsilon(eps, grad, p.classifier.scale, o.scheduler.alphasCumprod[t]) as tf.Tensor4D;
              }
            }
            const stepNoise = noise ? tf.tensor4d(noise.subarray(start * pixels, (start + size) * pixels), [size, h, w, c]) : undefined;
            // DDIM: with clipSample the clipped x̂₀ and the model's ε disagree, and η = 0 has no
            // fresh noise to wash that out, so ε is recomputed from the clipped x̂₀ (diffusers'
            // use_clipped_model_output). Without it the shipped model's DDIM samples fall apart
            // into strokes while DDPM's are clean. DDPM ignores the option.
            const r = o.scheduler.step(eps, t, chunk, { eta: p.eta, noise: stepNoise, rng: o.rng, useClippedModelOutput: true });
            return { prev: r.prevSample, pred: r.predOriginalSample };
          });
          modelCalls++;
          next.push(result.prev);
          if (record) x0.push(result.pred);
          else result.pred.dispose();
        }
        if (o.onStep) {
          const frame = await readStepFrame(x, x0, record);
          await o.onStep({ index: s, total: timesteps.length, timestep: t, nfe: (s + 1) * evalsPerStep, ...frame });
        }
        const joined = joinChunks(next);
        x.dispose();
        x = joined;
      } finally {
        next.forEach((n) => n.dispose());
        x0.forEach((n) => n.dispose());
      }
      await o.yieldToEventLoop?.();
    }
    const images = new Float32Array(await x.data());
    return { images, count: p.count, nfe: timesteps.length * evalsPerStep, modelCalls, classifierEvals: p.classifier ? timesteps.length : 0 };
  } finally {
    x.dispose();
  }
}
