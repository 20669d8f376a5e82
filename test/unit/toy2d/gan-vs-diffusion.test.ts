/**
 * The claim <diffusion-vs-gan> makes, checked with the widget's own setup (models, ring, batch,
 * seed, measurement): trained on the same batches, the GAN collapses onto few modes, with most
 * of its samples sharp, while the diffusion model covers every mode. About 16 s of CPU on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { GanDiffusionDuel, type DuelMeasurement } from '../../../src/toy2d/duel';
import { VS_GAN_DEFAULTS } from '../../../src/components/vs-gan/settings';

beforeAll(async () => {
  await setupBackend('wasm', { strict: true });
});

const STEPS = 2000;
const MEASURE_EVERY = 250;

describe('GAN versus diffusion on the widget’s ring (seed 0, wasm)', () => {
  it('the GAN collapses onto at most two modes while the diffusion model hits all eight', () => {
    const start = tf.memory().numTensors;
    const duel = new GanDiffusionDuel({ seed: VS_GAN_DEFAULTS.seed, modes: VS_GAN_DEFAULTS.modes, samples: VS_GAN_DEFAULTS.samples });
    const log: DuelMeasurement[] = [];
    let afterFirst = 0;
    for (let step = 1; step <= STEPS; step++) {
      const { gan, diffusion } = duel.trainStep();
      if (!Number.isFinite(gan.discriminator) || !Number.isFinite(gan.generator) || !Number.isFinite(diffusion)) {
        throw new Error(`A loss stopped being finite at step ${step}`);
      }
      if (step % MEASURE_EVERY === 0) log.push(duel.measureNow());
      if (step === 1) afterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(afterFirst);

    const table = log.map((m) => ({
      step: m.step,
      gan: `${m.gan.coverage.modesHit}/8 (${(100 * m.gan.coverage.highQuality).toFixed(0)}% on a mode)`,
      diffusion: `${m.diffusion.coverage.modesHit}/8 (${(100 * m.diffusion.coverage.highQuality).toFixed(0)}% on a mode)`,
    }));
    console.log(table.map((r) => `step ${r.step}: GAN ${r.gan}, diffusion ${r.diffusion}`).join('\n'));

    const last = log.at(-1)!;
    expect(last.step).toBe(STEPS);
    // The diffusion model covers every mode from step 500 on, and ends with most samples on a mode.
    for (const m of log.filter((x) => x.step >= 500)) expect(m.diffusion.coverage.modesHit, `diffusion at step ${m.step}`).toBe(8);
    expect(last.diffusion.coverage.highQuality).toBeGreaterThan(0.8);
    expect(last.diffusion.coverage.effectiveModes).toBeGreaterThan(7.5);
    // The GAN never covers more than two modes ...
    for (const m of log) expect(m.gan.coverage.modesHit, `GAN at step ${m.step}`).toBeLessThanOrEqual(2);
    expect(last.gan.coverage.modesHit).toBeLessThan(last.diffusion.coverage.modesHit);
    // ... and that is collapse, not failure to learn: by the end most of its samples sit on a mode.
    expect(last.gan.coverage.highQuality).toBeGreaterThan(0.8);
    expect(last.gan.coverage.effectiveModes).toBeLessThan(2);

    duel.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }, 300_000);
});
