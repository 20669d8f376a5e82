/**
 * The fused EMA update (src/backend/kernels/ema-kernels.ts) on wasm and cpu: one kernel, the same
 * values as the tfjs-op formula, nothing left behind. WebGPU's shader is checked in the browser
 * (test/e2e/gradcheck.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend';
import { EMA_KERNEL, emaUpdateArrays } from '../../../src/backend/kernels/ema-kernels';
import { emaUpdate } from '../../../src/backend/ops/ema';

describe.each(['wasm', 'cpu'])('emaUpdate on %s', (backend) => {
  it('runs one kernel and matches decay·shadow + (1 − decay)·live', async () => {
    await setupBackend(backend, { strict: true });
    const shadow = tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 1);
    const live = tf.randomNormal([3, 3, 8, 16], 0, 1, 'float32', 2);
    for (const decay of [0, 0.5, 0.999, 1]) {
      const before = tf.memory().numTensors;
      const profile = await tf.profile(() => emaUpdate(shadow, live, decay));
      const fused = profile.result as tf.Tensor;
      expect(profile.kernels.map((k) => k.name)).toEqual([EMA_KERNEL]);
      const reference = tf.tidy(() => tf.add(tf.mul(shadow, decay), tf.mul(live, 1 - decay)));
      const got = await fused.data();
      const want = await reference.data();
      let worst = 0;
      want.forEach((w, i) => {
        worst = Math.max(worst, Math.abs(got[i] - w));
      });
      expect(worst).toBeLessThan(1e-6);
      tf.dispose([fused, reference]);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([shadow, live]);
  });
});

describe('emaUpdateArrays', () => {
  it('keeps the shadow at decay 1 and copies the live weights at decay 0', () => {
    const shadow = Float32Array.from([1, 2, 3]);
    const live = Float32Array.from([10, 20, 30]);
    const out = new Float32Array(3);
    emaUpdateArrays(shadow, live, 1, out);
    expect(Array.from(out)).toEqual([1, 2, 3]);
    emaUpdateArrays(shadow, live, 0, out);
    expect(Array.from(out)).toEqual([10, 20, 30]);
    emaUpdateArrays(shadow, live, 0.75, out);
    expect(Array.from(out)).toEqual([3.25, 6.5, 9.75]);
  });
});
