import { describe, expect, it } from 'vitest';
import { describeModel, explainMissingModel } from '../../../src/components/base/model-line';
import type { ModelInfo } from '../../../src/lab/lab-api';

const info = (source: ModelInfo['source'], trainingSteps: number): ModelInfo => ({
  source,
  preset: 'small',
  params: 163881,
  flopsPerImage: 28e6,
  trainingSteps,
  scheduler: {},
  layers: [],
});

describe('the model line of the sampling widgets', () => {
  it('names the shipped model with its size and training, and a page-trained one with its progress', () => {
    expect(describeModel(info('shipped', 17200))).toBe('the shipped small U-Net, 163,881 parameters, trained for 17,200 steps.');
    expect(describeModel(info('trained', 40))).toBe('the page’s small U-Net, 163,881 parameters, 40 training steps so far.');
  });

  it('points to the trainer only when the page has no trained model yet', () => {
    const missing = explainMissingModel('trained', new Error('No trained model on this page yet.'));
    expect(missing).toBe('No trained model on this page yet: <diffusion-trainer> on this page trains one. Or choose “the shipped model”.');
    const other = explainMissingModel('shipped', new Error('The checkpoint at assets/x is corrupt.'));
    expect(other).toContain('corrupt');
    expect(other).not.toContain('<diffusion-trainer>');
  });
});
