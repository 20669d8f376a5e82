/**
 * What the shipped model predicts for one training-style example, stored for lesson 4's figure:
 * a test digit x_0 and one draw of noise ε, mixed at a few timesteps into x_t (Ho et al. 2020,
 * eq. 4), the network's noise estimate ε̂ = ε_θ(x_t, t) (without a label) and the clean image it
 * implies, x̂_0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t (eq. 15 rearranged). Timesteps are diffusers'
 * 0 … T−1. The page build turns the file into a figure (src/site/build/prediction-figure.ts).
 *
 *   npx tsx scripts/make-prediction-figure.ts [--checkpoint DIR] [--digit-index N] [--timesteps 50,300,600,900]
 *                                             [--seed K] [--out assets/figures/reverse-process-predictions.json]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../src/backend/node';
import { readCheckpointDir } from '../src/training/checkpoint-node';
import { unetFromCheckpoint } from '../src/model/unet-checkpoint';
import { schedulerFor } from '../src/diffusion/pipelines/sampling';
import { loadMnistFromNode } from '../src/data/node-mnist';
import { Rng } from '../src/data/rng';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const checkpointDir = flag('checkpoint', 'assets/checkpoints/mnist-small');
const digitIndex = Number(flag('digit-index', '0'));
const timesteps = flag('timesteps', '50,300,600,900').split(',').map(Number);
const seed = Number(flag('seed', '0'));
const out = flag('out', 'assets/figures/reverse-process-predictions.json');

await setupBackend('auto');
const ckpt = await readCheckpointDir(checkpointDir);
const model = unetFromCheckpoint(ckpt);
const scheduler = schedulerFor('ddpm', ckpt.manifest.scheduler);
const T = scheduler.config.numTrainTimesteps;
for (const t of timesteps) {
  if (!Number.isInteger(t) || t < 0 || t >= T) throw new Error(`--timesteps: ${t} is not a timestep 0 … ${T - 1}`);
}
const test = await loadMnistFromNode('test', { source: 'assets' });
if (!Number.isInteger(digitIndex) || digitIndex < 0 || digitIndex >= test.count) {
  throw new Error(`--digit-index must be 0 … ${test.count - 1}, got ${digitIndex}`);
}
const x0 = test.image(digitIndex);
const eps = new Rng(seed).fillNormal(new Float32Array(x0.length));
const round = (values: ArrayLike<number>): number[] => Array.from(values, (v) => Number(v.toFixed(4)));

const rows = timesteps.map((t) => {
  const [xt, epsHat] = tf.tidy(() => {
    const clean = tf.tensor4d(x0, [1, 28, 28, 1]);
    const noisy = scheduler.addNoise(clean, tf.tensor4d(eps, [1, 28, 28, 1]), t) as tf.Tensor4D;
    return [Float32Array.from(noisy.dataSync()), Float32Array.from(model.apply(noisy, tf.tensor1d([t], 'int32'), null).dataSync())];
  });
  const alphaBar = scheduler.alphasCumprod[t];
  const x0Hat = xt.map((v, p) => (v - Math.sqrt(1 - alphaBar) * epsHat[p]) / Math.sqrt(alphaBar));
  const epsMse = epsHat.reduce((sum, v, p) => sum + (v - eps[p]) ** 2, 0) / eps.length;
  return { t, alphaBar: Number(alphaBar.toPrecision(4)), epsMse: Number(epsMse.toPrecision(3)), xt: round(xt), epsHat: round(epsHat), x0Hat: round(x0Hat) };
});
model.dispose();

const report = {
  what: 'x_0, ε, x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, ε̂ = ε_θ(x_t, t) without a label, x̂_0 from ε̂; timesteps 0 … T−1 as in diffusers',
  command: `npx tsx scripts/make-prediction-figure.ts ${process.argv.slice(2).join(' ')}`.trim(),
  checkpoint: { path: checkpointDir, contentHash: ckpt.manifest.contentHash, trainingSteps: ckpt.manifest.training.steps },
  digitIndex,
  label: test.label(digitIndex),
  seed,
  numTrainTimesteps: T,
  x0: round(x0),
  eps: round(eps),
  rows,
};
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(report)}\n`);
process.stdout.write(`${out}: digit ${report.label}, ${rows.map((r) => `t=${r.t} mse(ε̂)=${r.epsMse}`).join(', ')}\n`);
