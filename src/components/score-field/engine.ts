/**
 * The tensor side of <diffusion-score-field>, loaded with import() on first use so that a lesson
 * page pulls in tfjs only when the widget needs it. The model runs on the page's main thread in
 * short chunks (see train-loop.ts): a 64-unit MLP on 2-D points is far too small to repay a
 * worker's messaging, and on the wasm backend one step takes a few milliseconds.
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../backend';
import { ToyDiffusion, type ToyDiffusionOptions } from '../../toy2d/toy-diffusion';

let backendReady: Promise<{ backend: string; reason: string }> | null = null;

/**
 * Starts wasm (measured the fastest for nets this small; webgl and webgpu pay a large cost per
 * kernel), falling back to whatever the host offers. Shared by every widget on the page.
 */
export function ensureBackend(): Promise<{ backend: string; reason: string }> {
  backendReady ??= setupBackend('wasm').then((s) => ({ backend: s.backend, reason: s.reason }));
  return backendReady;
}

export function createToyModel(opts: ToyDiffusionOptions): ToyDiffusion {
  return new ToyDiffusion(opts);
}

/** Live tensors in tfjs's engine on this thread (for the leak checks of tests and pages). */
export function numTensors(): number {
  return tf.memory().numTensors;
}

export type { ToyDiffusion };
