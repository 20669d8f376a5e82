/**
 * npx tsx src/cli/eval-latent.ts --checkpoint DIR [--n 400] [--write] [options]
 *
 * Measures a latent diffusion checkpoint with the reference classifier, by the protocol of
 * `npm run eval` (same n, seed, labels 0…9 cycling, DDIM steps, guidance weights), and times one
 * sampling run of the latent model against the pixel-space model on this machine's backend (same
 * count, steps and guidance; best of two runs each). Prints a JSON report; with --write the report
 * goes into the latent checkpoint's manifest (metrics.eval and metrics.timing; the weights and
 * their hash are untouched), which is where the widget and the lessons read the figures.
 */
import { readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { setupBackend } from '../backend/node';
import { classifierFromCheckpoint } from '../classifier/checkpoint';
import { loadMnistFromNode } from '../data/node-mnist';
import { Rng } from '../data/rng';
import { JSON_FILE } from '../training/checkpoint';
import { readCheckpointDir } from '../training/checkpoint-node';
import { initialNoise, sample, schedulerFor, stepNoiseRng, SAMPLERS, type SamplerName } from '../diffusion/pipelines/sampling';
import { unetFromCheckpoint } from '../model/unet-checkpoint';
import { autoencoderFromCheckpoint } from '../latent/autoencoder-checkpoint';
import { latentUNetFromCheckpoint } from '../latent/latent-checkpoint';
import { evaluateLatentModel } from '../latent/latent-eval';
import { latentSamplingCost, pixelSamplingCost } from '../latent/latent-model';
import { sampleLatentImages } from '../latent/latent-sampling';
import { validateUNetConfig } from '../model/config';
import { runCli, UsageError } from './run-cli';
import { intFlag, parseFlags, printHelpIf, requiredFlag } from './cli-flags';

export const EVAL_LATENT_USAGE = `Usage: npx tsx src/cli/eval-latent.ts --checkpoint DIR [options]
  --checkpoint DIR       latent diffusion checkpoint folder
  --autoencoder DIR      its autoencoder (default: the folder named in its manifest)
  --pixel DIR            pixel-space checkpoint timed against it (default assets/checkpoints/mnist-small)
  --classifier DIR       reference classifier (default assets/classifier)
  --n N                  images per evaluated set (default 400)
  --seed K               seed (default 0)
  --sampler S            ddim | ddpm (default ddim)
  --steps S              sampling steps (default 50)
  --guidance LIST        guidance weights of the class-conditional runs (default 0,1,2,4; "none" to skip)
  --no-unconditional     skip the unconditional run
  --timing-count N       images in the timed runs (default 50; 0 skips timing)
  --timing-only          only the timed runs (with --write: only metrics.timing is replaced)
  --batch B              images per network call (default 100)
  --write                store the report in the checkpoint's manifest
  --backend NAME         wasm | cpu (default: best available)`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (printHelpIf(argv, EVAL_LATENT_USAGE)) return;
  const values = parseFlags(argv, {
    checkpoint: { type: 'string' },
    autoencoder: { type: 'string' },
    pixel: { type: 'string' },
    classifier: { type: 'string' },
    n: { type: 'string' },
    seed: { type: 'string' },
    sampler: { type: 'string' },
    steps: { type: 'string' },
    guidance: { type: 'string' },
    'no-unconditional': { type: 'boolean', default: false },
    'timing-count': { type: 'string' },
    'timing-only': { type: 'boolean', default: false },
    batch: { type: 'string' },
    write: { type: 'boolean', default: false },
    backend: { type: 'string' },
  });
  const dir = requiredFlag('checkpoint', values.checkpoint);
  const n = intFlag('n', values.n, 400, 2);
  const seed = intFlag('seed', values.seed, 0, 0);
  const steps = intFlag('steps', values.steps, 50, 1);
  const batchSize = intFlag('batch', values.batch, 100, 1);
  const timingCount = intFlag('timing-count', values['timing-count'], 50, 0);
  const sampler = (values.sampler ?? 'ddim') as SamplerName;
  if (!(SAMPLERS as readonly string[]).includes(sampler)) throw new UsageError(`--sampler must be ${SAMPLERS.join(' or ')}, got "${sampler}"`);

  const started = performance.now();
  const backend = await setupBackend((values.backend ?? 'auto') as never);
  process.stderr.write(`backend: ${backend.backend}\n`);
  const latentCkpt = await readCheckpointDir(dir);
  const aeDir = values.autoencoder ?? String((latentCkpt.manifest.metrics?.latentSpace as { autoencoder?: string } | undefined)?.autoencoder ?? 'assets/checkpoints/latent-autoencoder');
  const ae = autoencoderFromCheckpoint(await readCheckpointDir(aeDir));
  const { unet } = latentUNetFromCheckpoint(latentCkpt, ae);
  const conditional = unet.config.numClasses > 0;
  const guidanceText = values.guidance ?? (conditional ? '0,1,2,4' : 'none');
  const guidanceWeights = guidanceText === 'none' ? [] : guidanceText.split(',').map((s) => {
    const w = Number(s);
    if (s.trim() === '' || !(w >= 0 && w <= 100)) throw new UsageError(`--guidance: "${s}" is not a weight in [0, 100]`);
    return w;
  });
  const classifier = classifierFromCheckpoint(await readCheckpointDir(values.classifier ?? 'assets/classifier'));
  const test = await loadMnistFromNode('test', { source: 'full' });
  const train = await loadMnistFromNode('train', { source: 'full' });
  const reference = test.gather(Int32Array.from({ length: test.count }, (_, i) => i));
  const floor = train.gather(new Rng(seed).shuffle(Int32Array.from({ length: train.count }, (_, i) => i)).subarray(0, n));

  const timingOnly = values['timing-only'] ?? false;
  if (timingOnly && timingCount === 0) throw new UsageError('--timing-only needs --timing-count above 0');
  const report = timingOnly
    ? null
    : await evaluateLatentModel(
        {
          unet,
          autoencoder: ae.model,
          normalization: ae.normalization,
          trainedScheduler: latentCkpt.manifest.scheduler,
          classifier,
          reference: { images: reference.images, count: reference.size },
          floor: { images: floor.images, count: floor.size },
        },
        { n, seed, sampler, steps, guidanceWeights, unconditional: !values['no-unconditional'], batchSize },
        (phase) => process.stderr.write(`eval-latent: ${phase} (${Math.round((performance.now() - started) / 1000)} s)\n`),
      );

  // Timing: the same sampling run in pixel and in latent space, best of two each, alternating.
  let timing: Record<string, unknown> | null = null;
  if (timingCount > 0) {
    const pixelDir = values.pixel ?? 'assets/checkpoints/mnist-small';
    const pixelCkpt = await readCheckpointDir(pixelDir);
    const pixel = unetFromCheckpoint(pixelCkpt);
    const guidance = conditional && pixel.config.numClasses > 0 ? 1 : 0;
    const labels = guidance > 0 ? Array.from({ length: timingCount }, (_, i) => i % 10) : null;
    const pixelRun = async (): Promise<number> => {
      const t0 = performance.now();
      await sample({
        model: pixel,
        scheduler: schedulerFor(sampler, pixelCkpt.manifest.scheduler),
        steps,
        guidance,
        labels,
        xT: initialNoise(seed, timingCount, 28 * 28),
        rng: stepNoiseRng(seed),
        batchSize,
      });
      return (performance.now() - t0) / 1000;
    };
    let latentDecode = Infinity;
    const latentRun = async (): Promise<number> => {
      const r = await sampleLatentImages({
        unet,
        autoencoder: ae.model,
        normalization: ae.normalization,
        trainedScheduler: latentCkpt.manifest.scheduler,
        sampler,
        steps,
        guidance,
        labels,
        count: timingCount,
        seed,
        batchSize,
      });
      latentDecode = Math.min(latentDecode, r.decodeMs / 1000);
      return (r.denoiseMs + r.decodeMs) / 1000;
    };
    process.stderr.write('eval-latent: timing\n');
    const pixelTimes: number[] = [];
    const latentTimes: number[] = [];
    for (let i = 0; i < 2; i++) {
      pixelTimes.push(await pixelRun());
      latentTimes.push(await latentRun());
    }
    const pixelConfig = validateUNetConfig(pixelCkpt.manifest.model);
    timing = {
      what: `${timingCount} images, ${sampler} ${steps} steps, guidance ${guidance}; best of ${pixelTimes.length} runs each, on ${backend.backend} (node ${process.version} on ${hostname()})`,
      count: timingCount,
      steps,
      guidance,
      backend: backend.backend,
      pixelSeconds: Math.min(...pixelTimes),
      latentSeconds: Math.min(...latentTimes),
      latentDecodeSeconds: latentDecode,
      pixelCheckpoint: pixelDir,
      pixelContentHash: pixelCkpt.manifest.contentHash,
      pixelCost: pixelSamplingCost(pixelConfig, steps, guidance > 0),
      latentCost: latentSamplingCost(unet.config, ae.model.config, steps, guidance > 0),
    };
    pixel.dispose();
  }

  const full = {
    checkpoint: { path: dir, contentHash: latentCkpt.manifest.contentHash, trainingSteps: latentCkpt.manifest.training.steps },
    autoencoder: { path: aeDir, contentHash: ae.manifest.contentHash },
    metrics: "classifier-FID (Heusel et al. 2017) on the reference classifier's penultimate features against the MNIST test split",
    ...(report ?? {}),
    timing,
    backend: backend.backend,
    host: `node ${process.version} on ${hostname()}`,
    command: `npx tsx src/cli/eval-latent.ts ${argv.join(' ')}`,
    totalWallTimeSeconds: Math.round((performance.now() - started) / 1000),
  };
  process.stdout.write(`${JSON.stringify(full, null, 1)}\n`);
  if (values.write) {
    await writeManifestMetrics(dir, { ...(report ? { eval: { ...full, timing: undefined } } : {}), ...(timing ? { timing } : {}) });
    // Read back through the checked loader: the hash must still match.
    await readCheckpointDir(dir);
    process.stderr.write(`eval-latent: report written into ${join(dir, JSON_FILE)}\n`);
  }
  unet.dispose();
  ae.model.dispose();
  classifier.dispose();
}

/** Merges `patch` into manifest.metrics of a checkpoint's model.json (atomically: temp file + rename). */
export async function writeManifestMetrics(dir: string, patch: Record<string, unknown>): Promise<void> {
  const path = join(dir, JSON_FILE);
  const json = JSON.parse(await readFile(path, 'utf8')) as { userDefinedMetadata: { manifest: { metrics?: Record<string, unknown> } } };
  const manifest = json.userDefinedMetadata.manifest;
  manifest.metrics = { ...(manifest.metrics ?? {}), ...patch };
  await writeFile(`${path}.tmp`, JSON.stringify(json, null, 1));
  await rename(`${path}.tmp`, path);
}

runCli(import.meta.url, 'eval-latent', EVAL_LATENT_USAGE, main);
