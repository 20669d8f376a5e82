/**
 * The benchmark's measurements, shared by the Node command (bench.ts) and the browser page
 * (bench-page.ts), so both hosts time exactly the same work. No Node APIs here.
 *
 * Throughput is counted as 3 × forward FLOPs per training step: the backward pass of a
 * convolution or matrix product costs two products of the forward's size (one for the input
 * gradient, one for the weight gradient), so forward + backward ≈ 3 × forward.
 */
import * as tf from '@tensorflow/tfjs';
import { PRESETS, UNet, type PresetName } from '../model';
import { EpsilonTrainStep } from './bench-step';

export type Host = 'node' | 'browser';

export interface TrainLine {
  what: 'train';
  host: Host;
  backend: string;
  preset: PresetName;
  batch: number;
  params: number;
  /** 3 × forward FLOPs per image × batch (backward ≈ 2 × forward). */
  flopsPerStep: number;
  /** Median wall time of one step (forward, backward, Adam update, loss read back). */
  stepMs: number;
  steps: number;
  gflops: number;
  /** This backend's float32 1024×1024 matMul throughput, measured in the same run. */
  matmulGflops: number;
  ratio: number;
  /**
   * Node only: the same three numbers from process CPU time instead of wall time, which other
   * processes on a shared machine disturb much less (the wasm backend runs on one thread here).
   */
  cpuStepMs?: number;
  cpuMatmulGflops?: number;
  cpuRatio?: number;
}

export interface LeakLine {
  what: 'leak';
  host: Host;
  backend: string;
  preset: PresetName;
  /** tf.memory().numTensors before the model was built and after everything was disposed. */
  numTensorsBefore: number;
  numTensorsAfter: number;
  /** Growth of numTensors between the first and the last timed step (0 when a step frees all it makes). */
  perStepGrowth: number;
}

export interface SkipLine {
  what: 'skip';
  host: Host;
  backend: string;
  preset?: PresetName;
  reason: string;
}

export interface MatmulLine {
  what: 'matmul';
  host: Host;
  backend: string;
  size: number;
  ms: number;
  gflops: number;
  /** Node only: from process CPU time (see TrainLine.cpuStepMs). */
  cpuGflops?: number;
}

/** Milliseconds of CPU time used by this process (Node's process.cpuUsage), where available. */
export type CpuClock = () => number;

interface Timing {
  ms: number;
  cpuMs: number | null;
}

export interface ErrorLine {
  what: 'error';
  host: Host;
  backend?: string;
  preset?: PresetName;
  message: string;
}

export type BenchLine = TrainLine | LeakLine | SkipLine | MatmulLine | ErrorLine;

export interface BenchSettings {
  presets: PresetName[];
  batch: number;
  steps: number;
  warmup: number;
  /** Skip a preset when its estimated time (at a quarter of the matMul speed) exceeds this. */
  maxSeconds: number;
}

export const DEFAULT_BENCH_SETTINGS: BenchSettings = {
  presets: ['tiny', 'small'],
  batch: 64,
  steps: 5,
  warmup: 2,
  maxSeconds: 120,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * float32 n×n matMul throughput of the active backend: `reps` products queued back to back, then
 * one read of a single element (so a GPU backend is timed to completion without a large readback).
 */
export async function measureMatmul(
  n = 1024,
  reps = 5,
  cpuClock?: CpuClock,
): Promise<{ ms: number; gflops: number; cpuGflops: number | null }> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const run = async (count: number): Promise<Timing> => {
    const start = performance.now();
    const cpuStart = cpuClock?.() ?? 0;
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < count; i++) outs.push(tf.matMul(a, b));
    const probe = tf.slice(outs[outs.length - 1], [0, 0], [1, 1]);
    await probe.data();
    const ms = (performance.now() - start) / count;
    const cpuMs = cpuClock ? (cpuClock() - cpuStart) / count : null;
    tf.dispose([...outs, probe]);
    return { ms, cpuMs };
  };
  try {
    await run(1);
    const times: Timing[] = [];
    for (let i = 0; i < 3; i++) times.push(await run(reps));
    const ms = median(times.map((t) => t.ms));
    const flops = 2 * n ** 3;
    const cpuMs = cpuClock ? median(times.map((t) => t.cpuMs ?? 0)) : null;
    return { ms, gflops: flops / (ms * 1e6), cpuGflops: cpuMs ? flops / (cpuMs * 1e6) : null };
  } finally {
    tf.dispose([a, b]);
  }
}

/** Estimated seconds for warm-up + timed steps, assuming a quarter of the matMul throughput (measured training ratios: 0.2–0.5). */
export function estimateSeconds(flopsPerStep: number, matmulGflops: number, settings: BenchSettings): number {
  return ((settings.warmup + settings.steps) * flopsPerStep) / (0.25 * matmulGflops * 1e9);
}

/**
 * Times training steps of one preset on the active backend. Yields the train line and the leak
 * line (or a skip line when the estimate exceeds settings.maxSeconds).
 */
export async function measurePreset(
  host: Host,
  backend: string,
  preset: PresetName,
  matmul: { gflops: number; cpuGflops: number | null },
  settings: BenchSettings,
  cpuClock?: CpuClock,
): Promise<BenchLine[]> {
  const matmulGflops = matmul.gflops;
  const config = PRESETS[preset];
  const numTensorsBefore = tf.memory().numTensors;
  const model = new UNet(config, 1);
  const params = model.paramCount();
  const flopsPerStep = 3 * model.flopsPerImage() * settings.batch;
  const estimate = estimateSeconds(flopsPerStep, matmulGflops, settings);
  if (estimate > settings.maxSeconds) {
    model.dispose();
    return [
      {
        what: 'skip',
        host,
        backend,
        preset,
        reason: `estimated ${Math.round(estimate)} s at a quarter of ${backend}'s matMul speed (${matmulGflops.toFixed(2)} GFLOP/s) exceeds --max-seconds ${settings.maxSeconds}`,
      },
    ];
  }
  const trainStep = new EpsilonTrainStep(model, {
    batch: settings.batch,
    imageSize: config.imageSize,
    channels: config.channels,
    numClasses: config.numClasses,
  });
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let tensorsAfterFirstTimed = 0;
  let tensorsAfterLast = 0;
  try {
    for (let i = 0; i < settings.warmup + settings.steps; i++) {
      const start = performance.now();
      const cpuStart = cpuClock?.() ?? 0;
      const loss = trainStep.step();
      await loss.data();
      loss.dispose();
      if (i >= settings.warmup) {
        times.push(performance.now() - start);
        if (cpuClock) cpuTimes.push(cpuClock() - cpuStart);
      }
      if (i === settings.warmup) tensorsAfterFirstTimed = tf.memory().numTensors;
    }
    tensorsAfterLast = tf.memory().numTensors;
  } finally {
    trainStep.dispose();
    model.dispose();
  }
  const stepMs = median(times);
  const gflops = flopsPerStep / (stepMs * 1e6);
  const cpu: Partial<TrainLine> = {};
  if (cpuClock && matmul.cpuGflops) {
    cpu.cpuStepMs = round(median(cpuTimes), 1);
    cpu.cpuMatmulGflops = round(matmul.cpuGflops, 3);
    cpu.cpuRatio = round(flopsPerStep / (median(cpuTimes) * 1e6) / matmul.cpuGflops, 3);
  }
  return [
    {
      what: 'train',
      host,
      backend,
      preset,
      batch: settings.batch,
      params,
      flopsPerStep,
      stepMs: round(stepMs, 1),
      steps: settings.steps,
      gflops: round(gflops, 3),
      matmulGflops: round(matmulGflops, 3),
      ratio: round(gflops / matmulGflops, 3),
      ...cpu,
    },
    {
      what: 'leak',
      host,
      backend,
      preset,
      numTensorsBefore,
      numTensorsAfter: tf.memory().numTensors,
      perStepGrowth: tensorsAfterLast - tensorsAfterFirstTimed,
    },
  ];
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Everything for one backend that is already active: matMul, then each preset. */
export async function measureBackend(
  host: Host,
  backend: string,
  settings: BenchSettings,
  emit: (line: BenchLine) => void,
  cpuClock?: CpuClock,
): Promise<void> {
  const mm = await measureMatmul(1024, 5, cpuClock);
  const line: MatmulLine = { what: 'matmul', host, backend, size: 1024, ms: round(mm.ms, 2), gflops: round(mm.gflops, 3) };
  if (mm.cpuGflops) line.cpuGflops = round(mm.cpuGflops, 3);
  emit(line);
  for (const preset of settings.presets) {
    try {
      for (const l of await measurePreset(host, backend, preset, mm, settings, cpuClock)) emit(l);
    } catch (error) {
      emit({ what: 'error', host, backend, preset, message: error instanceof Error ? error.message : String(error) });
    }
  }
}
