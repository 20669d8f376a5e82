import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../../src/backend/node';
import { DDPMScheduler } from '../../../src/diffusion';
import { presetConfig } from '../../../src/model/config';
import { UNet } from '../../../src/model/unet';
import type { FromReplica } from '../../../src/training/replica-protocol';
import { StepProbe, syntheticBatch } from '../../../src/training/step-probe';
import { inProcessReplica } from './in-process-replica';

beforeAll(async () => {
  await setupBackend('wasm');
});

const shape = { imageShape: [28, 28, 1] as [number, number, number], numClasses: 10 };

describe('the training-step probe', () => {
  it('makes repeatable batches of the asked size, within the data ranges', () => {
    const a = syntheticBatch(5, shape, 1000, 7);
    const b = syntheticBatch(5, shape, 1000, 7);
    expect(a).toEqual(b);
    expect(a.images.length).toBe(5 * 784);
    expect(Math.min(...a.images)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...a.images)).toBeLessThanOrEqual(1);
    expect([...a.timesteps].every((t) => t >= 0 && t < 1000)).toBe(true);
    expect([...a.labels].every((l) => l >= 0 && l <= 10)).toBe(true);
    expect(() => syntheticBatch(0, shape, 1000)).toThrow(/at least one row/);
  });

  it('times a real step: the weights change, and no tensor is left behind', async () => {
    const model = new UNet(presetConfig('tiny'), 1);
    const probe = new StepProbe(model, new DDPMScheduler({ numTrainTimesteps: 1000 }), shape, 1000);
    const first = model.variables.values().next().value!;
    const before = first.dataSync().slice();
    await probe.step(2);
    const tensors = tf.memory().numTensors;
    const ms = await probe.step(2);
    expect(ms).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(first.dataSync()).not.toEqual(before);
    probe.dispose();
    model.dispose();
  });

  it('answers a replica probe message with its time', async () => {
    const replica = inProcessReplica((setup) => ({
      model: new UNet(presetConfig('tiny'), 2),
      scheduler: new DDPMScheduler(setup.scheduler as { numTrainTimesteps: number }),
    }));
    const answers: FromReplica[] = [];
    replica.onMessage((m) => answers.push(m));
    replica.post({ type: 'setup', setup: { model: {}, scheduler: { numTrainTimesteps: 1000 }, ...shape } }, []);
    replica.post({ type: 'probe', count: 3, numTrainTimesteps: 1000 }, []);
    await expect.poll(() => answers.length, { timeout: 30_000 }).toBe(1);
    expect(answers[0]).toMatchObject({ type: 'probed' });
    expect((answers[0] as { ms: number }).ms).toBeGreaterThan(0);
    replica.terminate();
  });
});
