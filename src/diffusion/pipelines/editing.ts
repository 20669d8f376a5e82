/**
 * Editing an image with a trained diffusion model, host-neutral like sampling.ts (the command line,
 * unit tests and the lab's worker all run it):
 *
 * - Inpainting by replacement (Song et al. 2021, "Score-Based Generative Modeling through
 *   Stochastic Differential Equations", Appendix I.2): sample as usual, and after every step
 *   overwrite the known pixels with the original noised to the step's new level,
 *   x_{t'}^known ~ q(x_{t'} | x_0) = N(√ᾱ_{t'}·x_0, (1 − ᾱ_{t'})·I) (Ho et al. 2020, eq. 4),
 *   so x_{t'} = m ⊙ x_{t'}^sampled + (1 − m) ⊙ x_{t'}^known. After the last step the known region
 *   is the original, exactly.
 * - RePaint (Lugmayr et al. 2022, Algorithm 1): the same, but at every j-th level the image is
 *   noised back up j levels, x_b ~ q(x_b | x_a) = N(√(ᾱ_b/ᾱ_a)·x_a, (1 − ᾱ_b/ᾱ_a)·I), and
 *   denoised again, r times in all, which lets the generated region agree with the known one
 *   (the schedule is editing-schedule.ts's `repaintMoves`).
 * - SDEdit (Meng et al. 2022, §3.2): noise a rough input to t₀ with q(x_{t₀} | x_0) and denoise it
 *   from there; `strength` picks t₀ as diffusers' image-to-image pipelines do (`sdeditStart`).
 *
 * Every loop uses the DDPM or DDIM steps of src/diffusion (`schedulerFor` in sampling.ts), optional
 * class labels with classifier-free guidance (sampling.ts's `predict`), and the seed conventions of
 * sampling.ts, per image: image i of a run with seed s is made from x_T = initialNoise(s + i) and
 * stepNoiseRng(s + i), so a result can be reproduced alone, whatever the count or chunk size.
 *
 * The mask follows diffusers' inpainting pipelines: 1 (white) where the model fills in, 0 where the
 * original is kept; values in between blend.
 *
 * Every tensor is freed (tf.tidy inside each move, the loop's own tensors in `finally`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../data/rng';
import { DDIMScheduler, type StepOptions, type StepResult } from '..';
import { downMoves, repaintMoves, sdeditStart, straightMoves, type EditMove } from './editing-schedule';
import {
  SamplingAbortedError,
  expandLabels,
  initialNoise,
  joinChunks,
  predict,
  readStepFrame,
  stepNoiseRng,
  type ImageLabel,
  type NoisePredictor,
  type SamplingStep,
} from './sampling';

export const INPAINT_METHODS = ['replacement', 'repaint'] as const;
export type InpaintMethod = (typeof INPAINT_METHODS)[number];

/** What the editing loops need of a scheduler: DDPMScheduler and DDIMScheduler satisfy it. */
export interface EditingScheduler {
  readonly config: { numTrainTimesteps: number };
  readonly timesteps: Int32Array;
  readonly alphasCumprod: Float32Array;
  setTimesteps(numInferenceSteps: number): void;
  previousTimestep(t: number): number;
  addNoise(x0: tf.Tensor, noise: tf.Tensor, t: number): tf.Tensor;
  step(modelOutput: tf.Tensor, t: number, sample: tf.Tensor, options?: StepOptions): StepResult;
}

interface EditingOptionsBase {
  model: NoisePredictor;
  scheduler: EditingScheduler;
  /** Sampler steps of a full run (setTimesteps(steps) is called here). */
  steps: number;
  /** The image to edit: one S × S × C image with values in [-1, 1]. */
  image: Float32Array;
  /** How many results (each from its own seed, seed + i). */
  count: number;
  seed: number;
  /** DDIM's η in [0, 1]; DDPM ignores it. Default 0. */
  eta?: number;
  /** Guidance weight w ≥ 0 (Ho & Salimans 2022, eq. 6); needs a label. Default 0. */
  guidance?: number;
  /** One label for all results or one per result; null = unconditional. */
  labels?: ImageLabel | ArrayLike<ImageLabel> | null;
  /** Images per network call (default 64). */
  batchSize?: number;
  /** Called after every network step with x_t (its input) and x̂₀ (its prediction). */
  onStep?: (step: SamplingStep) => void | Promise<void>;
  /** Read x_t and x̂₀ back for onStep (default: true when onStep is given). */
  recordSteps?: boolean;
  yieldToEventLoop?: () => Promise<void>;
  signal?: AbortSignal;
}

export interface InpaintOptions extends EditingOptionsBase {
  /** S × S × C values in [0, 1]: 1 where the model fills in, 0 where the original stays. */
  mask: Float32Array;
  method: InpaintMethod;
  /** RePaint's jump length j (default 10, the paper's). */
  jumpLength?: number;
  /** RePaint's resample count r (default 10, the paper's); 1 is replacement. */
  resampleCount?: number;
}

export interface SdeditOptions extends EditingOptionsBase {
  /** 0 … 1: how far towards noise the input goes before denoising (diffusers' `strength`). */
  strength: number;
}

export interface EditingResult {
  /** count × S × S × C values. */
  images: Float32Array;
  count: number;
  /** Network steps taken (RePaint counts its repeats). */
  steps: number;
  /** Network evaluations per image: one per step, two per guided step. */
  nfe: number;
  /** Calls of model.apply. */
  modelCalls: number;
  /** Timestep of the first step (SDEdit's t₀), or null when no step ran. */
  startTimestep: number | null;
  /** The loop's starting point per image: x_T for inpainting, the noised input x_{t₀} for SDEdit. */
  xStart: Float32Array;
}

/** Defaults of Lugmayr et al. 2022 (§5: 250 steps, j = 10, r = 10). */
export const REPAINT_DEFAULTS = Object.freeze({ jumpLength: 10, resampleCount: 10 });

interface Checked {
  pixels: number;
  shape: [number, number, number];
  labels: ImageLabel[] | null;
  guidance: number;
  eta: number;
  batchSize: number;
}

function check(o: EditingOptionsBase): Checked {
  const { imageSize, channels, numClasses } = o.model.config;
  const pixels = imageSize * imageSize * channels;
  if (!(o.image instanceof Float32Array) || o.image.length !== pixels) {
    throw new RangeError(`image must be one ${imageSize}×${imageSize}×${channels} image (a Float32Array of ${pixels} values), got ${describeArray(o.image)}`);
  }
  if (!o.image.every(Number.isFinite)) throw new RangeError('image holds values that are not finite numbers');
  if (!Number.isInteger(o.count) || o.count < 1) throw new RangeError(`count must be a whole number ≥ 1, got ${String(o.count)}`);
  if (typeof o.seed !== 'number' || !Number.isInteger(o.seed)) throw new RangeError(`seed must be a whole number, got ${String(o.seed)}`);
  const T = o.scheduler.config.numTrainTimesteps;
  if (!Number.isInteger(o.steps) || o.steps < 1 || o.steps > T) throw new RangeError(`steps must be a whole number from 1 to ${T}, got ${String(o.steps)}`);
  const eta = o.eta ?? 0;
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta < 0 || eta > 1) throw new RangeError(`eta must be a number from 0 to 1, got ${String(eta)}`);
  const guidance = o.guidance ?? 0;
  if (typeof guidance !== 'number' || !Number.isFinite(guidance) || guidance < 0) {
    throw new RangeError(`guidance weight must be a number ≥ 0 (0 = no guidance), got ${String(guidance)}`);
  }
  const batchSize = o.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number ≥ 1, got ${String(batchSize)}`);
  let labels: ImageLabel[] | null = expandLabels(o.labels ?? null, o.count);
  labels.forEach((l, i) => {
    if (l === null) return;
    if (numClasses === 0) throw new RangeError('this model is unconditional: labels must be null');
    if (!Number.isInteger(l) || l < 0 || l >= numClasses) throw new RangeError(`label ${String(l)} of result ${i} is not a class 0…${numClasses - 1} (use null for none)`);
  });
  if (labels.every((l) => l === null)) labels = null;
  return { pixels, shape: [imageSize, imageSize, channels], labels, guidance, eta, batchSize };
}

function describeArray(value: unknown): string {
  if (value instanceof Float32Array) return `${value.length} values`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return value === null ? 'null' : typeof value;
}

/** Fills the inpainted region of `image` by the replacement method or RePaint. */
export async function inpaint(o: InpaintOptions): Promise<EditingResult> {
  const c = check(o);
  if (!(INPAINT_METHODS as readonly string[]).includes(o.method)) {
    throw new RangeError(`unknown inpainting method "${String(o.method)}"; allowed: ${INPAINT_METHODS.join(', ')}`);
  }
  if (!(o.mask instanceof Float32Array) || o.mask.length !== c.pixels) {
    throw new RangeError(`mask must have one value per pixel (a Float32Array of ${c.pixels} values), got ${describeArray(o.mask)}`);
  }
  if (!o.mask.every((v) => v >= 0 && v <= 1)) throw new RangeError('mask values must lie in [0, 1] (1 = fill in, 0 = keep)');
  let moves: EditMove[];
  if (o.method === 'repaint') {
    const j = o.jumpLength ?? REPAINT_DEFAULTS.jumpLength;
    const r = o.resampleCount ?? REPAINT_DEFAULTS.resampleCount;
    if (!Number.isInteger(r) || r < 1) throw new RangeError(`resampleCount (r) must be a whole number ≥ 1, got ${String(r)}`);
    if (r > 1 && (!Number.isInteger(j) || j < 1 || j > o.steps - 1)) {
      throw new RangeError(`jumpLength (j) must be a whole number from 1 to steps − 1 (${o.steps - 1}) for RePaint to resample, got ${String(j)}`);
    }
    moves = r > 1 ? repaintMoves(o.steps, j, r) : straightMoves(o.steps);
  } else {
    moves = straightMoves(o.steps);
  }
  o.scheduler.setTimesteps(o.steps);
  const xT = new Float32Array(o.count * c.pixels);
  for (let i = 0; i < o.count; i++) xT.set(initialNoise(o.seed + i, 1, c.pixels), i * c.pixels);
  return runMoves(o, c, moves, xT, o.mask);
}

/** SDEdit: noises `image` to t₀ (from `strength`) and denoises it. Strength 0 returns the input. */
export async function sdedit(o: SdeditOptions): Promise<EditingResult> {
  const c = check(o);
  o.scheduler.setTimesteps(o.steps);
  const start = sdeditStart(o.scheduler.timesteps, o.strength);
  const images = new Float32Array(o.count * c.pixels);
  for (let i = 0; i < o.count; i++) images.set(o.image, i * c.pixels);
  if (start.startTimestep === null) {
    if (o.signal?.aborted) throw new SamplingAbortedError(0);
    return { images, count: o.count, steps: 0, nfe: 0, modelCalls: 0, startTimestep: null, xStart: images.slice() };
  }
  // x_{t₀} = √ᾱ_{t₀}·x + √(1 − ᾱ_{t₀})·ε with ε from each image's x_T stream (Meng et al. 2022, eq. 4 in VP form).
  const eps = new Float32Array(o.count * c.pixels);
  for (let i = 0; i < o.count; i++) eps.set(initialNoise(o.seed + i, 1, c.pixels), i * c.pixels);
  const [h, w, ch] = c.shape;
  const t0 = start.startTimestep;
  const noised = tf.tidy(() => o.scheduler.addNoise(tf.tensor4d(images, [o.count, h, w, ch]), tf.tensor4d(eps, [o.count, h, w, ch]), t0));
  let xStart: Float32Array;
  try {
    xStart = new Float32Array(await noised.data());
  } finally {
    noised.dispose();
  }
  return runMoves(o, c, straightMoves(o.steps, start.startPosition), xStart, null);
}

/**
 * Runs a schedule of moves from `xStart`. With a mask, each down move's result is blended with the
 * original noised to the level the step landed on (the replacement step).
 */
async function runMoves(o: EditingOptionsBase, c: Checked, moves: readonly EditMove[], xStart: Float32Array, mask: Float32Array | null): Promise<EditingResult> {
  const { scheduler } = o;
  const [h, w, ch] = c.shape;
  const count = o.count;
  const timesteps = Int32Array.from(scheduler.timesteps);
  const isDdim = scheduler instanceof DDIMScheduler;
  const record = o.recordSteps ?? o.onStep !== undefined;
  const guided = c.guidance > 0 && c.labels !== null;
  const total = downMoves(moves);
  const rngs = Array.from({ length: count }, (_, i) => stepNoiseRng(o.seed + i));
  const draw = (): Float32Array => drawPerImage(rngs, count, c.pixels);

  if (o.signal?.aborted) throw new SamplingAbortedError(0);
  let x = tf.tensor4d(xStart, [count, h, w, ch]);
  const original = mask ? tf.tensor4d(o.image, [1, h, w, ch]) : null;
  const fill = mask ? tf.tensor4d(mask, [1, h, w, ch]) : null;
  /** ᾱ of the level x is at now (1 when clean). */
  let alphaNow = moves.length > 0 && moves[0].kind === 'down' ? scheduler.alphasCumprod[timesteps[moves[0].position]] : 1;
  let done = 0;
  let modelCalls = 0;
  try {
    for (const move of moves) {
      if (o.signal?.aborted) throw new SamplingAbortedError(done);
      if (move.kind === 'up') {
        // q(x_b | x_a) of the forward chain: √(ᾱ_b/ᾱ_a)·x_a + √(1 − ᾱ_b/ᾱ_a)·ε (Ho et al. 2020, eq. 4 between two levels).
        const alphaTo = scheduler.alphasCumprod[timesteps[move.to]];
        const ratio = alphaTo / alphaNow;
        const noise = draw();
        const next = tf.tidy(() => tf.add(tf.mul(x, Math.sqrt(ratio)), tf.mul(tf.tensor4d(noise, [count, h, w, ch]), Math.sqrt(Math.max(0, 1 - ratio)))));
        x.dispose();
        x = next as tf.Tensor4D;
        alphaNow = alphaTo;
        continue;
      }
      const t = timesteps[move.position];
      const prevT = scheduler.previousTimestep(t);
      // Noise for every image at once (each from its own stream), so chunking does not change the numbers.
      const stepNoise = (isDdim ? c.eta > 0 : t > 0) ? draw() : null;
      const knownNoise = mask && prevT >= 0 ? draw() : null;
      const next: tf.Tensor[] = [];
      const x0: tf.Tensor[] = [];
      try {
        for (let begin = 0; begin < count; begin += c.batchSize) {
          const size = Math.min(c.batchSize, count - begin);
          const labels = c.labels ? c.labels.slice(begin, begin + size) : null;
          const slice = (values: Float32Array): tf.Tensor4D => tf.tensor4d(values.subarray(begin * c.pixels, (begin + size) * c.pixels), [size, h, w, ch]);
          const out = tf.tidy(() => {
            const chunk = tf.slice(x, [begin, 0, 0, 0], [size, h, w, ch]);
            const eps = predict(o.model, chunk, t, labels, c.guidance);
            // As in sampling.ts: DDIM recomputes ε from the clipped x̂₀ (diffusers' use_clipped_model_output).
            const r = scheduler.step(eps, t, chunk, { eta: c.eta, noise: stepNoise ? slice(stepNoise) : undefined, useClippedModelOutput: true });
            let prev = r.prevSample;
            if (original && fill) {
              const x0Batch = tf.broadcastTo(original, [size, h, w, ch]);
              // Past the last step the known region is the original itself.
              const known = knownNoise ? scheduler.addNoise(x0Batch, slice(knownNoise), prevT) : x0Batch;
              prev = tf.add(tf.mul(fill, prev), tf.mul(tf.sub(1, fill), known));
            }
            return { prev, pred: r.predOriginalSample };
          });
          modelCalls++;
          next.push(out.prev);
          if (record) x0.push(out.pred);
          else out.pred.dispose();
        }
        if (o.onStep) {
          const frame = await readStepFrame(x, x0, record);
          await o.onStep({ index: done, total, timestep: t, nfe: (done + 1) * (guided ? 2 : 1), ...frame });
        }
        const joined = joinChunks(next);
        x.dispose();
        x = joined;
      } finally {
        next.forEach((n) => n.dispose());
        x0.forEach((n) => n.dispose());
      }
      alphaNow = prevT >= 0 ? scheduler.alphasCumprod[prevT] : 1;
      done++;
      await o.yieldToEventLoop?.();
    }
    const images = new Float32Array(await x.data());
    const first = moves.find((m) => m.kind === 'down');
    return {
      images,
      count,
      steps: total,
      nfe: total * (guided ? 2 : 1),
      modelCalls,
      startTimestep: first && first.kind === 'down' ? timesteps[first.position] : null,
      xStart,
    };
  } finally {
    x.dispose();
    original?.dispose();
    fill?.dispose();
  }
}

/** count × pixels standard normals, image i's from rngs[i]. */
function drawPerImage(rngs: Rng[], count: number, pixels: number): Float32Array {
  const out = new Float32Array(count * pixels);
  for (let i = 0; i < count; i++) rngs[i].fillNormal(out.subarray(i * pixels, (i + 1) * pixels));
  return out;
}
