/**
 * The tensor side of <diffusion-score-field>, loaded with import() on first use so that a lesson
 * page pulls in tfjs only when the widget needs it. The model runs on the page's main thread in
 * short chunks (see ./train-loop.ts): a 64-unit MLP on 2-D points is far too small to repay a
 * worker's messaging, and on the wasm backend one step takes a few milliseconds.
 */
import * as tf from '@tensorflow/tfjs';
import { setupSmallNetBackend } from '../backend';
import { ToyDiffusion, type ToyDiffusionOptions } from './toy-diffusion';

/** Starts the backend src/backend picks for networks this small; shared by every widget on the page. */
export async function ensureBackend(): Promise<{ backend: string; reason: string }> {
  const { backend, reason } = await setupSmallNetBackend();
  return { backend, reason };
}

export function createToyModel(opts: ToyDiffusionOptions): ToyDiffusion {
  return new ToyDiffusion(opts);
}

/** Live tensors in tfjs's engine on this thread (for the leak checks of tests and pages). */
export function numTensors(): number {
  return tf.memory().numTensors;
}

export type { ToyDiffusion };
