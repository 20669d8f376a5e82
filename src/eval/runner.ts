/**
 * The sample-quality evaluation behind `npm run eval`, host-neutral: given a diffusion model, the
 * reference classifier and image sets as plain arrays, it samples with several samplers from the
 * same seeds and scores each set against a reference split with
 *   - classifier-FID (Heusel et al. 2017) and KID (Bińkowski et al. 2018) on the classifier's
 *     penultimate features,
 *   - the class coverage of unconditional samples (the share of each predicted digit), and
 *   - the classifier's accuracy on class-conditional samples at several guidance weights
 *     (Ho & Salimans 2022),
 * next to two reference points: real training images (the floor a perfect model approaches at this
 * sample size) and pure Gaussian noise (the x_T every sampler starts from).
 */
import type { MnistClassifier } from '../classifier/model';
import { classifierOutputs } from '../classifier/train';
import { initialNoise, sample, schedulerFor, stepNoiseRng, type NoisePredictor, type SamplerName } from '../diffusion/pipelines/sampling';
import { accuracy, argmaxRows, classCoverage, perClassAccuracy, type ClassCoverage } from './classes';
import { frechetTerms } from './fid';
import { kid, type KidOptions, type KidResult } from './kid';
import { featureStats, type FeatureStats } from './stats';

export interface SamplerSetting {
  sampler: SamplerName;
  /** Inference steps; 'all' = every training timestep. */
  steps: number | 'all';
  /** DDIM η (default 0). */
  eta?: number;
}

export interface EvalPlan {
  /** Images per evaluated set (samples, floor and noise alike: FID is biased by n). */
  n: number;
  seed: number;
  /** Unconditional runs, all from the same x_T. */
  unconditional: SamplerSetting[];
  /** Guidance weights w for the class-conditional runs (labels 0, 1, …, 9, 0, …). */
  guidanceWeights: number[];
  guided: SamplerSetting;
  kid: KidOptions;
  /** Images per network call. */
  batchSize: number;
}

export interface ImageSet {
  /** count × S × S values in [-1, 1]. */
  images: Float32Array;
  count: number;
  labels?: Int32Array;
}

export interface EvalInputs {
  model: NoisePredictor;
  /** The checkpoint's scheduler record (the noise schedule it was trained with). */
  trainedScheduler: Record<string, unknown>;
  classifier: MnistClassifier;
  /** What samples are compared with (the test split). */
  reference: ImageSet;
  /** Real images for the floor (training split, at least n). */
  floor: ImageSet;
}

export interface SetScore {
  fid: number;
  /** ‖μ₁ − μ₂‖² and the covariance part of FID. */
  fidMeanTerm: number;
  fidCovTerm: number;
  kid: KidResult;
}

export interface UnconditionalRun extends SetScore {
  sampler: SamplerName;
  steps: number;
  eta: number;
  nfe: number;
  wallTimeSeconds: number;
  coverage: ClassCoverage;
}

export interface GuidedRun extends SetScore {
  guidance: number;
  sampler: SamplerName;
  steps: number;
  eta: number;
  nfe: number;
  wallTimeSeconds: number;
  /** Share of samples the classifier assigns to the requested class. */
  accuracy: number;
  perClassAccuracy: number[];
}

export interface EvalReport {
  n: number;
  seed: number;
  featureDim: number;
  reference: { count: number };
  kid: { subsets: number; subsetSize: number };
  floor: SetScore & { what: string; coverage: ClassCoverage };
  noise: SetScore & { what: string };
  unconditional: UnconditionalRun[];
  conditional: GuidedRun[];
}

export type EvalProgress = (event: { phase: string; done: number; total: number }) => void | Promise<void>;

function clipUnit(images: Float32Array): Float32Array {
  return images.map((v) => (v < -1 ? -1 : v > 1 ? 1 : v));
}

function stepsOf(setting: SamplerSetting, T: number): number {
  return setting.steps === 'all' ? T : setting.steps;
}

/** Network evaluations (per image × images) the plan will make, for a progress bar. */
export function plannedEvaluations(plan: EvalPlan, T: number): number {
  let total = 0;
  for (const s of plan.unconditional) total += stepsOf(s, T) * plan.n;
  for (const w of plan.guidanceWeights) total += stepsOf(plan.guided, T) * plan.n * (w > 0 ? 2 : 1);
  return total;
}

export function checkPlan(plan: EvalPlan, T: number): void {
  if (!Number.isInteger(plan.n) || plan.n < 2) throw new Error(`n must be an integer ≥ 2, got ${plan.n}`);
  for (const s of [...plan.unconditional, plan.guided]) {
    const steps = stepsOf(s, T);
    if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new Error(`${s.sampler} steps must be in [1, ${T}], got ${String(s.steps)}`);
  }
  for (const w of plan.guidanceWeights) if (!(Number.isFinite(w) && w >= 0)) throw new Error(`guidance weights must be ≥ 0, got ${w}`);
}

export async function evaluateModel(inputs: EvalInputs, plan: EvalPlan, progress?: EvalProgress): Promise<EvalReport> {
  const { model, classifier } = inputs;
  const { imageSize, channels, numClasses } = model.config;
  const pixels = imageSize * imageSize * channels;
  const d = classifier.config.featureDim;
  const k = classifier.config.numClasses;
  const T = schedulerFor('ddpm', inputs.trainedScheduler).config.numTrainTimesteps;
  checkPlan(plan, T);
  if (inputs.floor.count < plan.n) throw new Error(`the floor set has ${inputs.floor.count} images, fewer than n = ${plan.n}`);
  if (plan.guidanceWeights.length > 0 && numClasses === 0) throw new Error('guidance weights given, but the model is unconditional');
  const n = plan.n;
  const total = plannedEvaluations(plan, T);
  let done = 0;

  const features = async (images: Float32Array, count: number, phase: string) => {
    const out = await classifierOutputs(classifier, clipUnit(images), count, 500, (i, all) => progress?.({ phase, done: i, total: all }));
    return { ...out, predicted: argmaxRows(out.logits, count, k) };
  };
  const refOut = await features(inputs.reference.images, inputs.reference.count, 'reference features');
  const refStats = featureStats({ data: refOut.features, n: refOut.n, d });
  const refSet = { data: refOut.features, n: refOut.n, d };
  const kidOptions: KidOptions = { seed: plan.seed, ...plan.kid };
  const score = (stats: FeatureStats, data: Float32Array): SetScore => {
    const terms = frechetTerms(stats, refStats);
    return { fid: terms.fid, fidMeanTerm: terms.meanTerm, fidCovTerm: terms.covTerm, kid: kid({ data, n, d }, refSet, kidOptions) };
  };

  const floorOut = await features(inputs.floor.images.subarray(0, n * pixels), n, 'floor features');
  const floor = {
    what: `${n} real training images`,
    ...score(featureStats({ data: floorOut.features, n, d }), floorOut.features),
    coverage: classCoverage(floorOut.predicted, k),
  };
  const xT = initialNoise(plan.seed, n, pixels);
  const noiseOut = await features(xT, n, 'noise features');
  const noise = { what: `${n} images of x_T ~ N(0, I), clipped to [-1, 1]`, ...score(featureStats({ data: noiseOut.features, n, d }), noiseOut.features) };

  const run = async (setting: SamplerSetting, guidance: number, labels: number[] | null, phase: string) => {
    const steps = stepsOf(setting, T);
    const perStep = guidance > 0 && labels ? 2 : 1;
    const started = performance.now();
    const result = await sample({
      model,
      scheduler: schedulerFor(setting.sampler, inputs.trainedScheduler),
      steps,
      eta: setting.eta ?? 0,
      guidance,
      labels,
      xT,
      rng: stepNoiseRng(plan.seed),
      batchSize: plan.batchSize,
      recordSteps: false,
      onStep: async (s) => {
        await progress?.({ phase, done: done + (s.index + 1) * n * perStep, total });
      },
    });
    const wallTimeSeconds = (performance.now() - started) / 1000;
    done += steps * n * perStep;
    const out = await features(result.images, n, `${phase}: features`);
    const scored = score(featureStats({ data: out.features, n, d }), out.features);
    return { steps, nfe: result.nfe, wallTimeSeconds, out, scored };
  };

  const unconditional: UnconditionalRun[] = [];
  for (const setting of plan.unconditional) {
    const label = `${setting.sampler} ${String(setting.steps)}`;
    const r = await run(setting, 0, null, label);
    unconditional.push({
      sampler: setting.sampler,
      steps: r.steps,
      eta: setting.eta ?? 0,
      nfe: r.nfe,
      wallTimeSeconds: r.wallTimeSeconds,
      ...r.scored,
      coverage: classCoverage(r.out.predicted, k),
    });
  }

  const conditional: GuidedRun[] = [];
  const labels = Array.from({ length: n }, (_, i) => i % Math.max(1, numClasses));
  for (const w of plan.guidanceWeights) {
    const r = await run(plan.guided, w, labels, `guided w=${w}`);
    conditional.push({
      guidance: w,
      sampler: plan.guided.sampler,
      steps: r.steps,
      eta: plan.guided.eta ?? 0,
      nfe: r.nfe,
      wallTimeSeconds: r.wallTimeSeconds,
      ...r.scored,
      accuracy: accuracy(r.out.predicted, labels),
      perClassAccuracy: perClassAccuracy(r.out.predicted, labels, k),
    });
  }

  const kidSize = floor.kid.subsetSize;
  return {
    n,
    seed: plan.seed,
    featureDim: d,
    reference: { count: inputs.reference.count },
    kid: { subsets: floor.kid.subsets, subsetSize: kidSize },
    floor,
    noise,
    unconditional,
    conditional,
  };
}
