/**
 * The tensor side of <diffusion-vs-gan>, loaded with a dynamic import when training first starts so
 * a lesson page stays light until then. Both models train on the page's main thread, in short
 * chunks (./duel-run.ts), on the backend src/backend picks for networks this small (wasm: for
 * them, per-operation overhead dominates and wasm beats WebGL and WebGPU).
 */
import * as tf from '@tensorflow/tfjs';
import { setupSmallNetBackend } from '../backend';
import { GanDiffusionDuel, type DuelOptions } from './duel';

export { GanDiffusionDuel };

export async function createDuel(opts: DuelOptions): Promise<{ duel: GanDiffusionDuel; backend: string }> {
  const { backend } = await setupSmallNetBackend();
  return { duel: new GanDiffusionDuel(opts), backend };
}

/** Tensors alive in the main thread's tfjs engine. */
export function numTensors(): number {
  return tf.memory().numTensors;
}
