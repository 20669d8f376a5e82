/**
 * The benchmark's measurements, shared by the Node command (bench.ts) and the browser page
 * (bench-page.ts), so both hosts time exactly the same work. No Node APIs here.
 *
 * The timed step is the course's Trainer step by default (settings.step 'trainer'; 'adam' times the
 * minimal step of bench-step.ts). Throughput is counted as 3 × forward FLOPs per training step
 * either way (clipping, Adam and the EMA update are not counted): the backward pass of a
 * convolution or matrix product costs two products of the forward's size (one for the input
 * gradient, one for the weight gradient), so forward + backward ≈ 3 × forward.
 */
import * as tf from '@tensorflow/tfjs';
import { PRESETS, UNet, type PresetName } from '../model';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { EpsilonTrainStep, TrainerBenchStep, type BenchStep } from './bench-step';

export type Host = 'node' | 'browser';

/** Which step is timed: the course's Trainer step, or the minimal Adam step (bench-step.ts). */
export type BenchStepKind = 'trainer' | 'adam';

export interface TrainLine {
  what: 'train';
  host: Host;
  backend: string;
  preset: PresetName;
  step: BenchStepKind;
  batch: number;
  params: number;
  /** 3 × forward FLOPs per image × batch (backward ≈ 2 × forward). */
  flopsPerStep: number;
  /** Median wall time of one step (forward, backward, Adam update, loss read back). */
  stepMs: number;
  /**
   * tfjs kernels run by one step (tf.profile of one more step after the timed ones). On a GPU
   * backend each is a dispatch, and for models this small their number, not their size, sets
   * the step time.
   */
  kernelsPerStep: number;
  /**
   * WebGPU only: compute-shader dispatches of that step. Differs from kernelsPerStep both ways:
   * reshapes and identities dispatch nothing, and a fused kernel may run several shaders.
   */
  dispatchesPerStep?: number;
  steps: number;
  gflops: number;
  /**
   * This backend's float32 1024×1024 matMul throughput in the same run: the median over the matmul
   * line's runs and one product after each timed step, so both sample the same stretch of time.
   */
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
  /** wasm only: threads of the backend's thread pool (1 unless the page is cross-origin isolated). */
  threads?: number;
  /** Browser only: whether the page is cross-origin isolated (SharedArrayBuffer, wasm threads). */
  crossOriginIsolated?: boolean;
}

/** Milliseconds of CPU time used by this process (Node's process.cpuUsage), where available. */
export type CpuClock = () => number;

export interface Timing {
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

/**
 * Data-parallel training throughput (bench-workers.ts): the Trainer step with the batch shared by
 * `workers` processes, and its ratio to one worker measured in the same rounds.
 */
export interface WorkersLine {
  what: 'workers';
  host: Host;
  backend: string;
  preset: PresetName;
  batch: number;
  workers: number;
  /** Median over the rounds of the steps timed per round. */
  stepMs: number;
  imagesPerSecond: number;
  /** imagesPerSecond / that of one worker. */
  ratio: number;
  /** Present when each worker had this many rows (--batch-per-worker), so `batch` grew with the workers. */
  batchPerWorker?: number;
  /** Node only: process CPU time per step, every thread included (median round). */
  cpuStepMs?: number;
  /**
   * workers × CPU time per image of 1 worker / that of this count (with one batch for every count,
   * workers × cpuStepMs(1 worker) / cpuStepMs): the speed-up that many otherwise idle cores would
   * give if the shares took equal time and no one waited on a message. On a loaded shared machine
   * the wall-clock ratio mostly measures the scheduler; this one measures the work added per step.
   * Node only.
   */
  cpuRatio?: number;
  rounds: number;
  stepsPerRound: number;
  /** Logical cores of the machine. */
  cores: number;
  /**
   * With more than one worker, where the coordinating worker's time went per step (mean over
   * the rounds): its own share, waiting for the other workers' gradients once that was
   * done, and the rest (drawing the batch, combining, Adam and the EMA).
   */
  split?: { ownShareMs: number; waitingMs: number; restMs: number };
}

export type BenchLine = TrainLine | LeakLine | SkipLine | MatmulLine | ErrorLine | WorkersLine;

export interface BenchSettings {
  presets: PresetName[];
  step: BenchStepKind;
  batch: number;
  steps: number;
  warmup: number;
  /** Skip a preset when its estimated time (at a quarter of the matMul speed) exceeds this. */
  maxSeconds: number;
  /**
   * The workers lines' batch: false keeps `batch` for every worker count (the same step shared);
   * true gives each worker `batch` rows, so n workers train batch × n (the live recipe's rule).
   */
  batchPerWorker: boolean;
}

export const DEFAULT_BENCH_SETTINGS: BenchSettings = {
  presets: ['tiny', 'small'],
  step: 'trainer',
  batch: 64,
  steps: 5,
  warmup: 2,
  maxSeconds: 120,
  batchPerWorker: false,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times float32 n×n matMuls on the active backend: `count` products queued back to back, then one
 * read of a single element (so a GPU backend is timed to completion without a large readback).
 */
export class MatmulProbe {
  private readonly a: tf.Tensor2D;
  private readonly b: tf.Tensor2D;

  constructor(readonly n = 1024, private readonly cpuClock?: CpuClock) {
    this.a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
    this.b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  }

  get flops(): number {
    return 2 * this.n ** 3;
  }

  /** Milliseconds (wall and process CPU) per product. */
  async time(count: number): Promise<Timing> {
    const start = performance.now();
    const cpuStart = this.cpuClock?.() ?? 0;
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < count; i++) outs.push(tf.matMul(this.a, this.b));
    const probe = tf.slice(outs[outs.length - 1], [0, 0], [1, 1]);
    await probe.data();
    const ms = (performance.now() - start) / count;
    const cpuMs = this.cpuClock ? (this.cpuClock() - cpuStart) / count : null;
    tf.dispose([...outs, probe]);
    return { ms, cpuMs };
  }

  dispose(): void {
    tf.dispose([this.a, this.b]);
  }
}

/** GFLOP/s from the median of timings (wall and, where timed, CPU). */
function throughput(flops: number, times: readonly Timing[]): { ms: number; gflops: number; cpuGflops: number | null } {
  const ms = median(times.map((t) => t.ms));
  const cpu = times.every((t) => t.cpuMs !== null) && times.length > 0 ? median(times.map((t) => t.cpuMs ?? 0)) : null;
  return { ms, gflops: flops / (ms * 1e6), cpuGflops: cpu ? flops / (cpu * 1e6) : null };
}

/** float32 n×n matMul throughput of the active backend: the median of 3 runs of `reps` products. */
export async function measureMatmul(
  n = 1024,
  reps = 5,
  cpuClock?: CpuClock,
): Promise<{ ms: number; gflops: number; cpuGflops: number | null; times: Timing[] }> {
  const probe = new MatmulProbe(n, cpuClock);
  try {
    await probe.time(1);
    const times: Timing[] = [];
    for (let i = 0; i < 3; i++) times.push(await probe.time(reps));
    return { ...throughput(probe.flops, times), times };
  } finally {
    probe.dispose();
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
  matmul: { gflops: number; cpuGflops: number | null; times: Timing[] },
  settings: BenchSettings,
  cpuClock?: CpuClock,
): Promise<BenchLine[]> {
  const config = PRESETS[preset];
  const numTensorsBefore = tf.memory().numTensors;
  const model = new UNet(config, 1);
  const params = model.paramCount();
  const flopsPerStep = 3 * model.flopsPerImage() * settings.batch;
  const estimate = estimateSeconds(flopsPerStep, matmul.gflops, settings);
  if (estimate > settings.maxSeconds) {
    model.dispose();
    return [
      {
        what: 'skip',
        host,
        backend,
        preset,
        reason: `estimated ${Math.round(estimate)} s at a quarter of ${backend}'s matMul speed (${matmul.gflops.toFixed(2)} GFLOP/s) exceeds --max-seconds ${settings.maxSeconds}`,
      },
    ];
  }
  const stepOptions = { batch: settings.batch, imageSize: config.imageSize, channels: config.channels, numClasses: config.numClasses };
  const ema = settings.step === 'trainer' ? new UNet(config, 1) : null;
  const trainStep: BenchStep = ema ? new TrainerBenchStep(model, ema, stepOptions) : new EpsilonTrainStep(model, stepOptions);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  // A matMul after every timed step as well: on a shared machine the load changes within a run,
  // and the ratio compares like with like only when both are sampled across the same seconds.
  const matmulTimes = [...matmul.times];
  const probe = new MatmulProbe(1024, cpuClock);
  let tensorsAfterFirstTimed = 0;
  let tensorsAfterLast = 0;
  let kernelsPerStep = 0;
  let dispatchesPerStep: number | undefined;
  try {
    for (let i = 0; i < settings.warmup + settings.steps; i++) {
      const start = performance.now();
      const cpuStart = cpuClock?.() ?? 0;
      await trainStep.run();
      if (i >= settings.warmup) {
        times.push(performance.now() - start);
        if (cpuClock) cpuTimes.push(cpuClock() - cpuStart);
      }
      if (i === settings.warmup) tensorsAfterFirstTimed = tf.memory().numTensors;
      if (i >= settings.warmup) matmulTimes.push(await probe.time(1));
    }
    tensorsAfterLast = tf.memory().numTensors;
    kernelsPerStep = (await tf.profile(() => trainStep.run())).kernels.length;
    dispatchesPerStep = await countDispatches(() => trainStep.run());
  } finally {
    probe.dispose();
    trainStep.dispose();
    model.dispose();
    ema?.dispose();
  }
  const stepMs = median(times);
  const gflops = flopsPerStep / (stepMs * 1e6);
  const mm = throughput(probe.flops, matmulTimes);
  const matmulGflops = mm.gflops;
  const cpu: Partial<TrainLine> = {};
  if (cpuClock && mm.cpuGflops) {
    cpu.cpuStepMs = round(median(cpuTimes), 1);
    cpu.cpuMatmulGflops = round(mm.cpuGflops, 3);
    cpu.cpuRatio = round(flopsPerStep / (median(cpuTimes) * 1e6) / mm.cpuGflops, 3);
  }
  return [
    {
      what: 'train',
      host,
      backend,
      preset,
      step: settings.step,
      batch: settings.batch,
      params,
      flopsPerStep,
      stepMs: round(stepMs, 1),
      kernelsPerStep,
      ...(dispatchesPerStep === undefined ? {} : { dispatchesPerStep }),
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

/**
 * Calls of the webgpu backend's runWebGPUProgram (one per compute shader) while `run` runs;
 * undefined on other backends. The method is wrapped on the instance for that time only.
 */
async function countDispatches(run: () => Promise<unknown>): Promise<number | undefined> {
  const backend = tf.backend() as unknown as { runWebGPUProgram?: (...args: unknown[]) => unknown };
  const original = backend.runWebGPUProgram;
  if (typeof original !== 'function') return undefined;
  const own = Object.prototype.hasOwnProperty.call(backend, 'runWebGPUProgram');
  let count = 0;
  backend.runWebGPUProgram = function (this: unknown, ...args: unknown[]) {
    count += 1;
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    if (own) backend.runWebGPUProgram = original;
    else delete backend.runWebGPUProgram;
  }
  return count;
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
  if (backend === 'wasm') line.threads = getThreadsCount();
  if (host === 'browser') line.crossOriginIsolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  emit(line);
  for (const preset of settings.presets) {
    try {
      for (const l of await measurePreset(host, backend, preset, mm, settings, cpuClock)) emit(l);
    } catch (error) {
      emit({ what: 'error', host, backend, preset, message: error instanceof Error ? error.message : String(error) });
    }
  }
}
