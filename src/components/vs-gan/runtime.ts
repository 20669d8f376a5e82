/**
 * The tensor side of <diffusion-vs-gan>, loaded with a dynamic import when training first starts so
 * a lesson page stays light until then. Both models train on the page's main thread, in short
 * chunks, on tfjs's wasm backend: for networks this small, per-operation overhead dominates and
 * wasm beats WebGL and WebGPU (measured in docs/BROWSER-TESTING terms: GPU backends here are
 * software-rendered, and even real GPUs pay a read-back per loss).
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../backend';
import { GanDiffusionDuel, type DuelOptions } from './duel';

export { GanDiffusionDuel };

let backend: Promise<string> | null = null;

/** Starts wasm once per page (falling back to the automatic order when it cannot start). */
function ensureBackend(): Promise<string> {
  backend ??= setupBackend('wasm').then((setup) => setup.backend);
  return backend;
}

export async function createDuel(opts: DuelOptions): Promise<{ duel: GanDiffusionDuel; backend: string }> {
  const name = await ensureBackend();
  return { duel: new GanDiffusionDuel(opts), backend: name };
}

/** Tensors alive in the main thread's tfjs engine. */
export function numTensors(): number {
  return tf.memory().numTensors;
}
