/**
 * Sample quality of a latent diffusion model, measured like the pixel model's (src/eval/runner.ts)
 * so the two can stand side by side: the reference classifier's penultimate features give a
 * classifier-FID (Heusel et al. 2017) against the MNIST test split, its predictions the accuracy
 * of class-conditional samples at several guidance weights (Ho & Salimans 2022) with the labels
 * 0, 1, …, 9, 0, … and the class histogram of unconditional samples. Same n, seed, sampler and
 * labels as `npm run eval` gives the same x_T protocol, on 7×7×c latents instead of pixels.
 *
 * Two reference points come with it: the autoencoder's reconstructions of n test images (the best
 * a latent model could do with this decoder) and n real training images (the floor at this n).
 * Host-neutral: plain arrays in, plain numbers out.
 */
import type { MnistClassifier } from '../classifier/model';
import { classifierOutputs } from '../classifier/train';
import { accuracy, argmaxRows, classCoverage, perClassAccuracy, type ClassCoverage } from '../eval/classes';
import { frechetTerms } from '../eval/fid';
import { featureStats, type FeatureStats } from '../eval/stats';
import type { NoisePredictor, SamplerName } from '../diffusion/pipelines/sampling';
import type { Autoencoder } from './autoencoder';
import { reconstructImages, type LatentNormalization } from './latent-codec';
import { sampleLatentImages } from './latent-sampling';

export interface LatentEvalPlan {
  n: number;
  seed: number;
  sampler: SamplerName;
  steps: number;
  /** Guidance weights of the class-conditional runs (empty for an unconditional model). */
  guidanceWeights: number[];
  /** Also score unconditional samples (their class histogram above all). */
  unconditional: boolean;
  batchSize: number;
}

export interface LatentEvalInputs {
  unet: NoisePredictor;
  autoencoder: Autoencoder;
  normalization: LatentNormalization;
  trainedScheduler: Record<string, unknown>;
  classifier: MnistClassifier;
  /** Test images, count × 784 in [−1, 1]. */
  reference: { images: Float32Array; count: number };
  /** Real training images for the floor, at least n. */
  floor: { images: Float32Array; count: number };
}

export interface FidScore {
  fid: number;
  fidMeanTerm: number;
  fidCovTerm: number;
}

export interface LatentGuidedRun extends FidScore {
  guidance: number;
  nfe: number;
  wallTimeSeconds: number;
  accuracy: number;
  perClassAccuracy: number[];
}

export interface LatentUnconditionalRun extends FidScore {
  nfe: number;
  wallTimeSeconds: number;
  coverage: ClassCoverage;
}

export interface LatentEvalReport {
  n: number;
  seed: number;
  sampler: SamplerName;
  steps: number;
  referenceCount: number;
  floor: FidScore & { what: string };
  reconstructions: FidScore & { what: string; accuracy: number };
  unconditional: LatentUnconditionalRun | null;
  conditional: LatentGuidedRun[];
}

export type LatentEvalProgress = (phase: string) => void;

function clip(images: Float32Array): Float32Array {
  return images.map((v) => (v < -1 ? -1 : v > 1 ? 1 : v));
}

export async function evaluateLatentModel(inputs: LatentEvalInputs, plan: LatentEvalPlan, progress?: LatentEvalProgress): Promise<LatentEvalReport> {
  const { classifier, autoencoder } = inputs;
  const { n } = plan;
  if (!Number.isInteger(n) || n < 2) throw new Error(`n must be an integer ≥ 2, got ${n}`);
  if (inputs.floor.count < n || inputs.reference.count < n) throw new Error(`need at least n = ${n} floor and reference images`);
  if (plan.guidanceWeights.length > 0 && inputs.unet.config.numClasses === 0) throw new Error('guidance weights given, but the latent model is unconditional');
  const pixels = autoencoder.config.imageSize ** 2 * autoencoder.config.channels;
  const d = classifier.config.featureDim;
  const k = classifier.config.numClasses;

  const outputs = async (images: Float32Array, count: number) => {
    const out = await classifierOutputs(classifier, clip(images), count, 500);
    return { features: out.features, predicted: argmaxRows(out.logits, count, k), stats: featureStats({ data: out.features, n: count, d }) };
  };
  progress?.('reference features');
  const ref = await outputs(inputs.reference.images, inputs.reference.count);
  const score = (stats: FeatureStats): FidScore => {
    const t = frechetTerms(stats, ref.stats);
    return { fid: t.fid, fidMeanTerm: t.meanTerm, fidCovTerm: t.covTerm };
  };

  progress?.('floor');
  const floorOut = await outputs(inputs.floor.images.subarray(0, n * pixels), n);
  const floor = { what: `${n} real training images`, ...score(floorOut.stats) };

  progress?.('reconstructions');
  const testImages = inputs.reference.images.subarray(0, n * pixels);
  const recon = await reconstructImages(autoencoder, testImages, n, plan.batchSize);
  const reconOut = await outputs(recon, n);
  // The reference set's own labels are the classifier's predictions on the originals.
  const reconstructions = {
    what: `autoencoder reconstructions of the first ${n} test images`,
    ...score(reconOut.stats),
    accuracy: accuracy(reconOut.predicted, ref.predicted.subarray(0, n)),
  };

  const run = async (guidance: number, labels: number[] | null) => {
    const started = performance.now();
    const r = await sampleLatentImages({
      unet: inputs.unet,
      autoencoder,
      normalization: inputs.normalization,
      trainedScheduler: inputs.trainedScheduler,
      sampler: plan.sampler,
      steps: plan.steps,
      guidance,
      labels,
      count: n,
      seed: plan.seed,
      batchSize: plan.batchSize,
    });
    const wallTimeSeconds = (performance.now() - started) / 1000;
    return { out: await outputs(r.images, n), nfe: r.nfe, wallTimeSeconds };
  };

  let unconditional: LatentUnconditionalRun | null = null;
  if (plan.unconditional) {
    progress?.('unconditional samples');
    const r = await run(0, null);
    unconditional = { ...score(r.out.stats), nfe: r.nfe, wallTimeSeconds: r.wallTimeSeconds, coverage: classCoverage(r.out.predicted, k) };
  }
  const conditional: LatentGuidedRun[] = [];
  const labels = Array.from({ length: n }, (_, i) => i % k);
  for (const w of plan.guidanceWeights) {
    progress?.(`guided w=${w}`);
    const r = await run(w, labels);
    conditional.push({
      guidance: w,
      ...score(r.out.stats),
      nfe: r.nfe,
      wallTimeSeconds: r.wallTimeSeconds,
      accuracy: accuracy(r.out.predicted, labels),
      perClassAccuracy: perClassAccuracy(r.out.predicted, labels, k),
    });
  }
  return { n, seed: plan.seed, sampler: plan.sampler, steps: plan.steps, referenceCount: inputs.reference.count, floor, reconstructions, unconditional, conditional };
}
