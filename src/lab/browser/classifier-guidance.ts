/**
 * The lab's side of classifier guidance: reading a SampleRequest's guidance fields, and the
 * shipped noise-aware classifier, loaded from the assets folder on first use only (pages that
 * never ask for classifier guidance never fetch it).
 *
 * A request with guidanceKind 'classifier' samples the U-Net unconditionally (null label) and lets
 * the classifier's gradient pull each image towards its label (Dhariwal & Nichol 2021, eq. 14).
 * Starting from the unconditional model shows what the gradient alone does; CFG needs the
 * conditional model, so the two kinds are kept apart in one request.
 */
import { checkSameSchedule, noisyClassifierFromCheckpoint } from '../../classifier/noisy-checkpoint';
import type { NoisyClassifier } from '../../classifier/noisy-model';
import type { SampleRequest } from '../lab-api';
import { schedulerFor, type ClassifierGuidanceOptions, type ImageLabel } from '../../diffusion/pipelines/sampling';
import { fetchCheckpoint } from './checkpoint-sources';

/** Where the noise-aware classifier lives inside the assets folder. */
export const NOISY_CLASSIFIER_DIR = 'checkpoints/noisy-classifier/';
/** Largest classifier scale a request may ask for (beyond it the samples are noise). */
export const MAX_CLASSIFIER_SCALE = 100;

export type GuidanceKind = NonNullable<SampleRequest['guidanceKind']>;
export const GUIDANCE_KINDS: readonly GuidanceKind[] = ['cfg', 'classifier'];

/** What a request's guidance fields mean for the sampling loop. */
export interface ResolvedGuidance {
  kind: GuidanceKind;
  /** Labels the U-Net sees. */
  labels: ImageLabel[];
  /** CFG weight w. */
  guidance: number;
  /** Classifier scale and targets, for kind 'classifier'. */
  classifier: { scale: number; targets: ImageLabel[] } | null;
}

/** Checks a request's guidance fields (clear RangeErrors) and says what to run. */
export function resolveGuidance(request: SampleRequest, labels: ImageLabel[]): ResolvedGuidance {
  const kind = request.guidanceKind ?? 'cfg';
  if (!GUIDANCE_KINDS.includes(kind)) {
    throw new RangeError(`guidanceKind must be one of ${GUIDANCE_KINDS.map((k) => `"${k}"`).join(', ')}, got ${JSON.stringify(kind)}`);
  }
  const guidance = request.guidance ?? 0;
  if (kind === 'cfg') {
    if (request.classifierScale !== undefined && request.classifierScale !== 0) {
      throw new RangeError(`classifierScale applies to guidanceKind "classifier" only; this request uses "cfg"`);
    }
    return { kind, labels, guidance, classifier: null };
  }
  if (guidance !== 0) {
    throw new RangeError(`guidanceKind "classifier" samples the unconditional model: set guidance (the CFG weight) to 0, got ${guidance}`);
  }
  const scale = request.classifierScale ?? 0;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0 || scale > MAX_CLASSIFIER_SCALE) {
    throw new RangeError(`classifierScale must be a number from 0 to ${MAX_CLASSIFIER_SCALE}, got ${JSON.stringify(request.classifierScale)}`);
  }
  if (labels.every((l) => l === null)) {
    throw new RangeError('classifier guidance needs a class label to steer towards (label is null)');
  }
  return { kind, labels: labels.map(() => null), guidance: 0, classifier: { scale, targets: labels } };
}

/** The noise-aware classifier of an assets folder, fetched on first use; a failed load is retried next time. */
export class NoisyClassifierSource {
  private loaded: Promise<{ model: NoisyClassifier; alphasCumprod: ArrayLike<number> }> | null = null;

  constructor(private readonly folderUrl: () => Promise<string>) {}

  private load(): Promise<{ model: NoisyClassifier; alphasCumprod: ArrayLike<number> }> {
    if (!this.loaded) {
      this.loaded = this.folderUrl().then(async (folder) => {
        const ckpt = await fetchCheckpoint(folder);
        if (!ckpt) throw new Error(`no noise-aware classifier at ${folder} (classifier guidance needs assets/${NOISY_CLASSIFIER_DIR})`);
        const model = noisyClassifierFromCheckpoint(ckpt);
        return { model, alphasCumprod: schedulerFor('ddpm', ckpt.manifest.scheduler ?? {}).alphasCumprod };
      });
      this.loaded.catch(() => {
        this.loaded = null;
      });
    }
    return this.loaded;
  }

  /**
   * sample() options for a resolved request: null for CFG; for classifier guidance the classifier,
   * after checking that it was trained on the sampler's noise schedule.
   */
  async options(resolved: ResolvedGuidance, samplerAlphasCumprod: ArrayLike<number>): Promise<ClassifierGuidanceOptions | null> {
    if (!resolved.classifier) return null;
    const { model, alphasCumprod } = await this.load();
    checkSameSchedule(alphasCumprod, samplerAlphasCumprod);
    return { classifier: model, scale: resolved.classifier.scale, targets: resolved.classifier.targets };
  }

  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    if (loaded) (await loaded.catch(() => null))?.model.dispose();
  }
}
