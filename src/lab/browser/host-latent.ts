/**
 * The lab worker's latent-diffusion requests (src/latent/latent-api.ts): the shipped autoencoder
 * and latent models are fetched (and checked: format, size, SHA-256, and that each latent model
 * was trained on this autoencoder's latents) on first use, then kept for the page's lifetime.
 * LabHost holds one LatentHost and forwards latentInfo, latentReconstruct and latentSample to it.
 */
import { CheckpointError, type CheckpointManifest } from '../../training/checkpoint';
import type { MnistDataset } from '../../data/mnist';
import { loadMnistFromUrl } from '../../data/mnist-url';
import { describeAutoencoder } from '../../latent/autoencoder-config';
import { autoencoderFromCheckpoint, type LoadedAutoencoder } from '../../latent/autoencoder-checkpoint';
import {
  LATENT_CHECKPOINT_DIRS,
  LATENT_MODEL_NAMES,
  qualityFigures,
  reportMatches,
  type LatentInfo,
  type LatentModelName,
  type LatentModelSummary,
  type LatentReconstructRequest,
  type LatentReconstruction,
  type LatentSampleRequest,
  type LatentSampleResult,
} from '../../latent/latent-api';
import { latentUNetFromCheckpoint } from '../../latent/latent-checkpoint';
import { encodeMeans, decodeLatents, identityNormalization, meanSquaredError, normalizeInPlace } from '../../latent/latent-codec';
import { sampleLatentImages } from '../../latent/latent-sampling';
import { describeUNet } from '../../model/describe';
import type { UNetConfig } from '../../model/config';
import type { UNet } from '../../model/unet';
import { expandLabels } from '../../diffusion/pipelines/sampling';
import { fetchCheckpoint, checkpointJsonUrl } from './checkpoint-sources';

/** Most images one latent request may ask for. */
export const MAX_LATENT_COUNT = 400;
export const MAX_RECONSTRUCT_COUNT = 64;

export interface LatentHostDeps {
  /** The assets folder URL (ending in '/') once the lab has started. */
  assetsBase(): Promise<string>;
  /** The shipped pixel-space model, for the comparison figures. */
  pixel(): Promise<{ config: UNetConfig; manifest: CheckpointManifest }>;
  yieldToEventLoop(): Promise<void>;
}

interface LoadedLatent {
  unet: UNet;
  manifest: CheckpointManifest;
}

function cached<T>(slot: { value: Promise<T> | null }, load: () => Promise<T>): Promise<T> {
  if (!slot.value) {
    slot.value = load();
    slot.value.catch(() => {
      slot.value = null;
    });
  }
  return slot.value;
}

export class LatentHost {
  private readonly ae = { value: null as Promise<LoadedAutoencoder> | null };
  private readonly models = new Map<LatentModelName, { value: Promise<LoadedLatent> | null }>();
  private readonly test = { value: null as Promise<MnistDataset> | null };
  private readonly pixelEval = { value: null as Promise<unknown> | null };

  constructor(private readonly deps: LatentHostDeps) {}

  private async fetchRequired(dir: string, what: string) {
    const folder = `${await this.deps.assetsBase()}${dir}`;
    const ckpt = await fetchCheckpoint(folder);
    if (!ckpt) throw new CheckpointError(`no ${what} at ${checkpointJsonUrl(folder).href}; check the assets-base attribute`);
    return ckpt;
  }

  private autoencoder(): Promise<LoadedAutoencoder> {
    return cached(this.ae, async () => autoencoderFromCheckpoint(await this.fetchRequired(LATENT_CHECKPOINT_DIRS.autoencoder, 'latent autoencoder')));
  }

  private model(name: LatentModelName): Promise<LoadedLatent> {
    if (!(LATENT_MODEL_NAMES as readonly string[]).includes(name)) {
      return Promise.reject(new RangeError(`unknown latent model ${JSON.stringify(name)}; allowed: ${LATENT_MODEL_NAMES.join(', ')}`));
    }
    let slot = this.models.get(name);
    if (!slot) {
      slot = { value: null };
      this.models.set(name, slot);
    }
    return cached(slot, async () => {
      const [ckpt, ae] = await Promise.all([this.fetchRequired(LATENT_CHECKPOINT_DIRS[name], `latent diffusion model "${name}"`), this.autoencoder()]);
      return { unet: latentUNetFromCheckpoint(ckpt, ae).unet, manifest: ckpt.manifest };
    });
  }

  private testImages(): Promise<MnistDataset> {
    return cached(this.test, async () => loadMnistFromUrl(`${await this.deps.assetsBase()}mnist/`, 'test'));
  }

  /** The pixel model's eval report (eval.json beside its checkpoint), or null when there is none. */
  private pixelReport(): Promise<unknown> {
    return cached(this.pixelEval, async () => {
      const url = `${await this.deps.assetsBase()}checkpoints/mnist-small/eval.json`;
      try {
        const response = await fetch(url);
        if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) return null;
        return (await response.json()) as unknown;
      } catch {
        return null;
      }
    });
  }

  async info(name: LatentModelName): Promise<LatentInfo> {
    const [ae, latent, pixel, pixelReport] = await Promise.all([this.autoencoder(), this.model(name), this.deps.pixel(), this.pixelReport()]);
    const aeDescription = describeAutoencoder(ae.model.config);
    const aeMetrics = ae.manifest.metrics ?? {};
    const m = latent.manifest;
    const metrics = m.metrics ?? {};
    const evalReport = metrics.eval as { unconditional?: { coverage?: { counts?: number[] } } } | undefined;
    const timing = metrics.timing as LatentModelSummary['timing'] | undefined;
    const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const counts = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null);
    const d = describeUNet(latent.unet.config);
    return {
      autoencoder: {
        params: aeDescription.params,
        encoderFlops: aeDescription.encoderFlops,
        decoderFlops: aeDescription.decoderFlops,
        latentShape: ae.model.latentShape,
        normalization: ae.normalization,
        trainingSteps: ae.manifest.training.steps,
        testMse: num(aeMetrics.testReconstructionMse),
        testPsnrDb: num(aeMetrics.testPsnrDb),
      },
      model: {
        name,
        params: d.params,
        flopsPerStep: d.flopsPerImage,
        numClasses: latent.unet.config.numClasses,
        latentShape: ae.model.latentShape,
        trainingSteps: m.training.steps,
        trainingSeconds: m.training.wallTimeSeconds,
        quality: qualityFigures(metrics.eval),
        trainingClassCounts: counts(metrics.trainingClassCounts),
        sampleClassCounts: counts(evalReport?.unconditional?.coverage?.counts),
        timing: timing && typeof timing.pixelSeconds === 'number' ? timing : null,
      },
      pixel: {
        params: describeUNet(pixel.config).params,
        flopsPerStep: describeUNet(pixel.config).flopsPerImage,
        trainingSteps: pixel.manifest.training.steps,
        // Figures of another checkpoint would be mislabelled: leave them out and say why.
        quality: reportMatches(pixelReport, pixel.manifest.contentHash) ? qualityFigures(pixelReport) : [],
        qualityNote: reportMatches(pixelReport, pixel.manifest.contentHash)
          ? null
          : `the pixel model's eval.json was measured on another checkpoint than the one shipped now (${pixel.manifest.training.steps.toLocaleString('en-US')} steps); run npm run eval again`,
      },
    };
  }

  async reconstruct(request: LatentReconstructRequest): Promise<LatentReconstruction> {
    const count = request?.count;
    const offset = request?.offset ?? 0;
    if (!Number.isInteger(count) || count < 1 || count > MAX_RECONSTRUCT_COUNT) {
      throw new RangeError(`count must be an integer from 1 to ${MAX_RECONSTRUCT_COUNT}, got ${JSON.stringify(count)}`);
    }
    const [ae, test] = await Promise.all([this.autoencoder(), this.testImages()]);
    if (!Number.isInteger(offset) || offset < 0 || offset + count > test.count) {
      throw new RangeError(`offset must be an integer from 0 to ${test.count - count}, got ${JSON.stringify(offset)}`);
    }
    const started = performance.now();
    const batch = test.gather(Int32Array.from({ length: count }, (_, i) => offset + i));
    const means = await encodeMeans(ae.model, batch.images, count);
    const reconstructions = await decodeLatents(ae.model, means, count, identityNormalization(ae.model.config.latentChannels));
    return {
      originals: batch.images,
      reconstructions,
      latents: normalizeInPlace(means, ae.normalization),
      labels: batch.labels,
      count,
      latentShape: ae.model.latentShape,
      mse: meanSquaredError(reconstructions, batch.images),
      wallMs: performance.now() - started,
    };
  }

  async sample(request: LatentSampleRequest, signal?: AbortSignal): Promise<LatentSampleResult> {
    const { sampler, steps, count, seed } = request;
    if (sampler !== 'ddpm' && sampler !== 'ddim') throw new RangeError(`sampler must be "ddpm" or "ddim", got ${JSON.stringify(sampler)}`);
    if (!Number.isInteger(count) || count < 1 || count > MAX_LATENT_COUNT) {
      throw new RangeError(`count must be an integer from 1 to ${MAX_LATENT_COUNT}, got ${JSON.stringify(count)}`);
    }
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${JSON.stringify(seed)}`);
    const labels = expandLabels(request.label, count);
    const [ae, latent] = await Promise.all([this.autoencoder(), this.model(request.model ?? 'latent')]);
    const started = performance.now();
    const out = await sampleLatentImages({
      unet: latent.unet,
      autoencoder: ae.model,
      normalization: ae.normalization,
      trainedScheduler: latent.manifest.scheduler,
      sampler,
      steps,
      eta: request.eta ?? 0,
      guidance: request.guidance ?? 0,
      labels: latent.unet.config.numClasses > 0 ? labels : null,
      count,
      seed,
      signal,
      yieldToEventLoop: () => this.deps.yieldToEventLoop(),
    });
    return {
      images: out.images.slice(),
      latents: out.latents.slice(),
      count,
      nfe: out.nfe,
      wallMs: performance.now() - started,
      denoiseMs: out.denoiseMs,
      decodeMs: out.decodeMs,
      latentShape: ae.model.latentShape,
    };
  }
}
