/**
 * What the page's lab offers about latent diffusion (requests answered by the lab worker, see
 * src/lab/browser/host-latent.ts). Plain data only: images are Float32Array of N×28×28 values in
 * [−1, 1], latents N×7×7×c normalised values (channel last), row-major.
 */

/** The shipped latent models: the class-conditional one, and the one trained on a class-skewed subset. */
export const LATENT_MODEL_NAMES = ['latent', 'skewed'] as const;
export type LatentModelName = (typeof LATENT_MODEL_NAMES)[number];

/** Folders of the shipped checkpoints inside the assets folder. */
export const LATENT_CHECKPOINT_DIRS: Readonly<Record<LatentModelName | 'autoencoder', string>> = Object.freeze({
  autoencoder: 'checkpoints/latent-autoencoder/',
  latent: 'checkpoints/latent-diffusion/',
  skewed: 'checkpoints/latent-diffusion-skewed/',
});

/** One quality figure from an evaluation report (`npm run eval` or src/cli/eval-latent.ts). */
export interface QualityFigure {
  /** Guidance weight of class-conditional samples; null for unconditional samples. */
  guidance: number | null;
  /** Share of samples the reference classifier reads as the requested digit (null when unconditional). */
  accuracy: number | null;
  /** Classifier-FID against the MNIST test split. */
  fid: number;
  n: number;
  sampler: string;
  steps: number;
}

export interface LatentModelSummary {
  name: LatentModelName;
  params: number;
  /** Forward FLOPs per image of one denoising step (describeUNet of its config). */
  flopsPerStep: number;
  numClasses: number;
  latentShape: [number, number, number];
  trainingSteps: number;
  trainingSeconds: number;
  quality: QualityFigure[];
  /** Digits in its training set (the skewed subset for "skewed"). */
  trainingClassCounts: number[] | null;
  /** Reference-classifier histogram of its unconditional samples in the evaluation (counts per digit). */
  sampleClassCounts: number[] | null;
  /** Sampling time measured by the evaluation tool: pixel against latent on the same machine. */
  timing: { what: string; pixelSeconds: number; latentSeconds: number; latentDecodeSeconds: number } | null;
}

export interface LatentInfo {
  autoencoder: {
    params: number;
    encoderFlops: number;
    decoderFlops: number;
    latentShape: [number, number, number];
    /** Per channel: diffusion latents are (μ − shift) · scale. */
    normalization: { shift: number[]; scale: number[] };
    trainingSteps: number;
    /** Reconstruction error on the test split ([−1, 1] scale), from the manifest. */
    testMse: number | null;
    testPsnrDb: number | null;
  };
  model: LatentModelSummary;
  /**
   * The shipped pixel-space model, for comparison. `quality` is empty when its eval.json was
   * measured on another checkpoint than the one shipped now (`qualityNote` then says so).
   */
  pixel: { params: number; flopsPerStep: number; trainingSteps: number; quality: QualityFigure[]; qualityNote: string | null };
}

export interface LatentReconstructRequest {
  /** Test images to reconstruct, 1…64. */
  count: number;
  /** First index in the (class-balanced) test split of the assets. */
  offset?: number;
}

export interface LatentReconstruction {
  originals: Float32Array;
  reconstructions: Float32Array;
  /** Normalised latents (what the diffusion model sees), count × h × w × c. */
  latents: Float32Array;
  labels: Int32Array;
  count: number;
  latentShape: [number, number, number];
  /** Mean squared error per pixel of these reconstructions ([−1, 1] scale). */
  mse: number;
  wallMs: number;
}

export interface LatentSampleRequest {
  model?: LatentModelName;
  sampler: 'ddpm' | 'ddim';
  steps: number;
  eta?: number;
  /** Guidance weight w (ε̃ = (1 + w) ε(x, c) − w ε(x)); needs labels and a conditional model. */
  guidance?: number;
  label?: number | null | Array<number | null>;
  count: number;
  seed: number;
}

export interface LatentSampleResult {
  images: Float32Array;
  latents: Float32Array;
  count: number;
  nfe: number;
  /** Whole request inside the worker: denoising plus decoding. */
  wallMs: number;
  denoiseMs: number;
  decodeMs: number;
  latentShape: [number, number, number];
}

/**
 * Whether an evaluation report (eval.json of `npm run eval`) was measured on the checkpoint with
 * this content hash; reports without a hash are taken as matching.
 */
export function reportMatches(report: unknown, contentHash: string): boolean {
  const hash = (report as { checkpoint?: { contentHash?: unknown } } | null)?.checkpoint?.contentHash;
  return typeof hash !== 'string' || hash === contentHash;
}

/** The figures of a report for display: guided runs (one per weight) and the unconditional run. */
export function qualityFigures(report: unknown): QualityFigure[] {
  if (typeof report !== 'object' || report === null) return [];
  const r = report as {
    n?: number;
    sampler?: string;
    steps?: number;
    conditional?: Array<{ guidance?: number; accuracy?: number; fid?: number; sampler?: string; steps?: number }>;
    unconditional?: unknown;
  };
  const n = typeof r.n === 'number' ? r.n : 0;
  const out: QualityFigure[] = [];
  for (const c of r.conditional ?? []) {
    if (typeof c.guidance !== 'number' || typeof c.fid !== 'number') continue;
    out.push({ guidance: c.guidance, accuracy: typeof c.accuracy === 'number' ? c.accuracy : null, fid: c.fid, n, sampler: c.sampler ?? r.sampler ?? '', steps: c.steps ?? r.steps ?? 0 });
  }
  // A latent report has one unconditional run; a pixel report a list of them (one per sampler).
  const unconditional = Array.isArray(r.unconditional) ? r.unconditional : r.unconditional ? [r.unconditional] : [];
  for (const u of unconditional as Array<{ fid?: number; sampler?: string; steps?: number }>) {
    if (typeof u.fid !== 'number') continue;
    out.push({ guidance: null, accuracy: null, fid: u.fid, n, sampler: u.sampler ?? r.sampler ?? '', steps: u.steps ?? r.steps ?? 0 });
  }
  return out;
}
