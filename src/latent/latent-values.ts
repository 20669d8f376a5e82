/**
 * Numbers that lessons quote about latent diffusion, read at build time from the shipped
 * checkpoints' manifests (assets/checkpoints/latent-autoencoder, latent-diffusion,
 * latent-diffusion-skewed) and the pixel model's eval.json, so the prose follows the files and no
 * figure is typed by hand. Missing checkpoints give no keys, so a lesson that quotes one fails to
 * build with the list of known keys rather than showing a stale figure.
 *
 * Keys (all `latent.*`):
 *   .shape ("7×7×4"), .values (196), .compression (784 / values, "4")
 *   .ae.params, .ae.encoder-mflops, .ae.decoder-mflops, .ae.test-mse, .ae.psnr-db, .ae.scales (per channel),
 *   .ae.training-steps, .ae.training-minutes
 *   .params, .mflops (per denoising step and image), .pixel-mflops, .flops-ratio (pixel / latent per step),
 *   .run-gflops-<steps>, .pixel-run-gflops-<steps> (one image, guided, steps ∈ QUOTED_STEPS; latent includes the decoder),
 *   .training-steps, .training-minutes, .batch-size
 *   .eval-n, .accuracy-w<w>, .fid-w<w> (each guidance weight the latent evaluation measured),
 *   .pixel-accuracy-w<w>, .pixel-fid-w<w> (from the pixel model's eval.json, only when it names the
 *   pixel checkpoint shipped now)
 *   .timing-count, .timing-steps, .timing-pixel-seconds, .timing-latent-seconds, .timing-speedup, .timing-backend
 *   .skewed.heavy-digits ("0–4"), .skewed.training-images, .skewed.training-share (of the heavy digits, "84 %"),
 *   .skewed.sample-share (the same in the evaluation's unconditional samples), .skewed.eval-n,
 *   .skewed.light-digits ("5–9"), .skewed.light-training-share, .skewed.light-sample-share (the rare digits' shares),
 *   .skewed.top-sample-digit (the digit the reference classifier read most often in the samples),
 *   .skewed.top-sample-share, .skewed.top-training-share (that digit's share of the samples and of the training data),
 *   .skewed.training-steps, .skewed.training-minutes
 *
 * Node only (reads files); no tfjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateUNetConfig } from '../model/config';
import { describeUNet } from '../model/describe';
import { describeAutoencoder, validateAutoencoderConfig } from './autoencoder-config';
import { qualityFigures, reportMatches } from './latent-api';

export const QUOTED_STEPS = [20, 50, 1000] as const;

interface Manifest {
  model: Record<string, unknown>;
  training: { steps: number; wallTimeSeconds: number; batchSize: number };
  metrics?: Record<string, unknown>;
}

function manifestOf(dir: string): Manifest | null {
  const path = join(dir, 'model.json');
  if (!existsSync(path) || !existsSync(join(dir, 'weights.bin'))) return null;
  const m = (JSON.parse(readFileSync(path, 'utf8')) as { userDefinedMetadata?: { manifest?: Manifest } }).userDefinedMetadata?.manifest;
  if (!m?.model || !m.training) throw new Error(`${path}: no checkpoint manifest with a model and a training record`);
  return m;
}

const sig = (x: number): string => String(Number(x.toPrecision(3)));
const count = (x: number): string => Math.round(x).toLocaleString('en-US');
const percent = (x: number): string => `${Math.round(x * 100)} %`;

function shareOf(counts: readonly number[], classes: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  return total > 0 ? classes.reduce((a, c) => a + counts[c], 0) / total : 0;
}

/** The latent.* keys for the checkpoints under `checkpointsDir` (assets/checkpoints). */
export function latentCheckpointValues(checkpointsDir: string): Map<string, string> {
  const values = new Map<string, string>();
  const aeManifest = manifestOf(join(checkpointsDir, 'latent-autoencoder'));
  if (!aeManifest) return values;
  const { kind, latentShift, latentScale, ...rest } = aeManifest.model;
  void kind;
  void latentShift;
  const aeConfig = validateAutoencoderConfig(rest);
  const ae = describeAutoencoder(aeConfig);
  const side = aeConfig.imageSize / 4;
  const latentValues = side * side * aeConfig.latentChannels;
  const aeMetrics = aeManifest.metrics ?? {};
  values.set('latent.shape', `${side}×${side}×${aeConfig.latentChannels}`);
  values.set('latent.values', count(latentValues));
  values.set('latent.compression', sig((aeConfig.imageSize ** 2 * aeConfig.channels) / latentValues));
  values.set('latent.ae.params', count(ae.params));
  values.set('latent.ae.encoder-mflops', sig(ae.encoderFlops / 1e6));
  values.set('latent.ae.decoder-mflops', sig(ae.decoderFlops / 1e6));
  if (typeof aeMetrics.testReconstructionMse === 'number') values.set('latent.ae.test-mse', aeMetrics.testReconstructionMse.toFixed(4));
  if (typeof aeMetrics.testPsnrDb === 'number') values.set('latent.ae.psnr-db', aeMetrics.testPsnrDb.toFixed(1));
  if (Array.isArray(latentScale) && latentScale.every((v) => typeof v === 'number')) {
    values.set('latent.ae.scales', (latentScale as number[]).map((v) => sig(v)).join(', '));
  }
  values.set('latent.ae.training-steps', count(aeManifest.training.steps));
  values.set('latent.ae.training-minutes', count(aeManifest.training.wallTimeSeconds / 60));

  const pixelManifest = manifestOf(join(checkpointsDir, 'mnist-small'));
  const pixelFlops = pixelManifest ? describeUNet(validateUNetConfig(pixelManifest.model)).flopsPerImage : null;
  const main = manifestOf(join(checkpointsDir, 'latent-diffusion'));
  if (main) {
    const d = describeUNet(validateUNetConfig(main.model));
    values.set('latent.params', count(d.params));
    values.set('latent.mflops', sig(d.flopsPerImage / 1e6));
    values.set('latent.training-steps', count(main.training.steps));
    values.set('latent.training-minutes', count(main.training.wallTimeSeconds / 60));
    values.set('latent.batch-size', count(main.training.batchSize));
    for (const steps of QUOTED_STEPS) values.set(`latent.run-gflops-${steps}`, sig((2 * steps * d.flopsPerImage + ae.decoderFlops) / 1e9));
    if (pixelFlops !== null) {
      values.set('latent.pixel-mflops', sig(pixelFlops / 1e6));
      values.set('latent.flops-ratio', sig(pixelFlops / d.flopsPerImage));
      for (const steps of QUOTED_STEPS) values.set(`latent.pixel-run-gflops-${steps}`, sig((2 * steps * pixelFlops) / 1e9));
    }
    const latentQuality = qualityFigures(main.metrics?.eval);
    const pixelEval = join(checkpointsDir, 'mnist-small', 'eval.json');
    const pixelReport: unknown = existsSync(pixelEval) ? JSON.parse(readFileSync(pixelEval, 'utf8')) : null;
    // Only figures measured on the checkpoint shipped now (eval.json names its hash).
    const pixelHash = (pixelManifest as { contentHash?: string } | null)?.contentHash ?? '';
    const pixelQuality = pixelReport && reportMatches(pixelReport, pixelHash) ? qualityFigures(pixelReport) : [];
    const evalN = latentQuality[0]?.n;
    if (evalN) values.set('latent.eval-n', count(evalN));
    for (const q of latentQuality) {
      if (q.guidance === null || q.accuracy === null) continue;
      values.set(`latent.accuracy-w${q.guidance}`, percent(q.accuracy));
      values.set(`latent.fid-w${q.guidance}`, q.fid.toFixed(1));
    }
    for (const p of pixelQuality) {
      if (p.guidance === null || p.accuracy === null) continue;
      values.set(`latent.pixel-accuracy-w${p.guidance}`, percent(p.accuracy));
      values.set(`latent.pixel-fid-w${p.guidance}`, p.fid.toFixed(1));
    }
    const t = main.metrics?.timing as { count?: number; steps?: number; pixelSeconds?: number; latentSeconds?: number; backend?: string } | undefined;
    if (t && typeof t.pixelSeconds === 'number' && typeof t.latentSeconds === 'number') {
      values.set('latent.timing-count', count(t.count ?? 0));
      values.set('latent.timing-steps', count(t.steps ?? 0));
      values.set('latent.timing-pixel-seconds', sig(t.pixelSeconds));
      values.set('latent.timing-latent-seconds', sig(t.latentSeconds));
      values.set('latent.timing-speedup', sig(t.pixelSeconds / t.latentSeconds));
      values.set('latent.timing-backend', String(t.backend ?? 'unknown'));
    }
  }

  const skewed = manifestOf(join(checkpointsDir, 'latent-diffusion-skewed'));
  const training = skewed?.metrics?.trainingClassCounts as number[] | undefined;
  if (skewed && Array.isArray(training)) {
    const total = training.reduce((a, b) => a + b, 0);
    const heavy = training.flatMap((c, i) => (c / total > 1 / training.length ? [i] : []));
    const consecutive = heavy.every((c, i) => i === 0 || c === heavy[i - 1] + 1);
    const light = training.flatMap((_, i) => (heavy.includes(i) ? [] : [i]));
    const digitRange = (classes: number[]): string =>
      classes.length > 1 && classes.every((c, i) => i === 0 || c === classes[i - 1] + 1) ? `${classes[0]}–${classes[classes.length - 1]}` : classes.join(', ');
    values.set('latent.skewed.heavy-digits', consecutive && heavy.length > 1 ? `${heavy[0]}–${heavy[heavy.length - 1]}` : heavy.join(', '));
    values.set('latent.skewed.light-digits', digitRange(light));
    values.set('latent.skewed.light-training-share', percent(shareOf(training, light)));
    values.set('latent.skewed.training-images', count(total));
    values.set('latent.skewed.training-share', percent(shareOf(training, heavy)));
    values.set('latent.skewed.training-steps', count(skewed.training.steps));
    values.set('latent.skewed.training-minutes', count(skewed.training.wallTimeSeconds / 60));
    const ev = skewed.metrics?.eval as { n?: number; unconditional?: { coverage?: { counts?: number[] } } } | undefined;
    const samples = ev?.unconditional?.coverage?.counts;
    if (Array.isArray(samples)) {
      values.set('latent.skewed.sample-share', percent(shareOf(samples, heavy)));
      values.set('latent.skewed.light-sample-share', percent(shareOf(samples, light)));
      // The digit read most often: whether misreadings favour a common or a rare digit decides
      // which way they bend the measured shares.
      const top = samples.indexOf(Math.max(...samples));
      values.set('latent.skewed.top-sample-digit', String(top));
      values.set('latent.skewed.top-sample-share', percent(shareOf(samples, [top])));
      values.set('latent.skewed.top-training-share', percent(shareOf(training, [top])));
      values.set('latent.skewed.eval-n', count(ev?.n ?? samples.reduce((a, b) => a + b, 0)));
    }
  }
  return values;
}
