/**
 * Images per second of data-parallel training (src/training/data-parallel.ts) with 1, 2, …
 * workers, on the fixed batch of bench-step.ts: worker threads in Node, Web Workers in the browser
 * page (the host passes how replicas start; no Node APIs here). One trainer per worker count lives through
 * the whole measurement and the counts take turns, round after round, so a load that changes on a
 * shared machine weighs on every count alike; each count's figure is its median round.
 */
import { DDPMScheduler } from '../diffusion';
import { PRESETS, UNet, type PresetName } from '../model';
import { Trainer } from '../training/trainer';
import { DataParallelTrainer } from '../training/data-parallel';
import { FixedBatch } from './bench-step';
import type { BenchLine, BenchSettings, CpuClock, Host, WorkersLine } from './bench-measure';
import type { ReplicaPort } from '../training/replica-protocol';

const ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 1, 2, … up to the machine's cores (at least 2, at most 4): the counts `npm run bench` times by default. */
export function defaultWorkerCounts(cores: number): number[] {
  const most = Math.max(2, Math.min(4, cores));
  return Array.from({ length: most }, (_, i) => i + 1);
}

/** What a host gives the measurement. */
export interface WorkersHost {
  host: Host;
  /** Logical cores of the machine. */
  cores: number;
  /** Starts `count` replicas on the named backend. */
  startReplicas(count: number, backend: string): ReplicaPort[];
  /** CPU time of the whole process, every thread included (Node); absent in a browser. */
  cpuClock?: CpuClock;
}

interface Contender {
  workers: number;
  trainer: Trainer;
  dispose(): void;
}

function contender(preset: PresetName, workers: number, backend: string, batch: number, host: WorkersHost): Contender {
  const config = PRESETS[preset];
  const model = new UNet(config, 1);
  const ema = new UNet(config, 1);
  const scheduler = new DDPMScheduler({ numTrainTimesteps: 1000, betaSchedule: 'linear', predictionType: 'epsilon' });
  const batches = new FixedBatch(batch, config.imageSize * config.imageSize * config.channels, config.numClasses, 1);
  const options = {
    batchSize: batch,
    numClasses: config.numClasses,
    seed: 1,
    imageShape: [config.imageSize, config.imageSize, config.channels] as [number, number, number],
  };
  const trainer =
    workers === 1
      ? new Trainer(model, ema, scheduler, batches, options)
      : new DataParallelTrainer(model, ema, scheduler, batches, options, {
          ports: host.startReplicas(workers - 1, backend),
          setup: { model: { ...config }, scheduler: { ...scheduler.config } },
        });
  return {
    workers,
    trainer,
    dispose: () => {
      trainer.dispose();
      model.dispose();
      ema.dispose();
    },
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** `steps` steps, their losses read at the end; wall and process CPU milliseconds per step. */
async function time(trainer: Trainer, steps: number, cpuClock: CpuClock = () => NaN): Promise<{ ms: number; cpuMs: number }> {
  const start = performance.now();
  const cpuStart = cpuClock();
  for (let i = 0; i < steps; i++) {
    const stepping = trainer.runStep();
    if (stepping) await stepping;
  }
  await trainer.flushLosses();
  return { ms: (performance.now() - start) / steps, cpuMs: (cpuClock() - cpuStart) / steps };
}

export async function measureWorkers(
  host: WorkersHost,
  backend: string,
  settings: BenchSettings,
  counts: number[],
  emit: (line: BenchLine) => void,
): Promise<void> {
  for (const preset of settings.presets) {
    // The same batch shared by every count, or (--batch-per-worker) `batch` rows for each worker.
    const batchOf = (n: number): number => (settings.batchPerWorker ? settings.batch * n : settings.batch);
    const contenders = counts.map((n) => contender(preset, n, backend, batchOf(n), host));
    try {
      for (const c of contenders) {
        await time(c.trainer, Math.max(1, settings.warmup), host.cpuClock);
        // The first steps include the replicas' start-up: leave them out of the split.
        if (c.trainer instanceof DataParallelTrainer) Object.assign(c.trainer.timings, { steps: 0, ownShare: 0, waiting: 0, rest: 0 });
      }
      const ms = new Map<number, number[]>(counts.map((n) => [n, []]));
      const cpuMs = new Map<number, number[]>(counts.map((n) => [n, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of contenders) {
          const t = await time(c.trainer, settings.steps, host.cpuClock);
          ms.get(c.workers)!.push(t.ms);
          cpuMs.get(c.workers)!.push(t.cpuMs);
        }
      }
      const stepMs = (n: number): number => median(ms.get(n)!);
      const cpuStepMs = (n: number): number => median(cpuMs.get(n)!);
      const base = counts.includes(1) ? batchOf(1) / (stepMs(1) / 1000) : NaN;
      for (const c of contenders) {
        if (c.trainer.workers !== c.workers) throw new Error(`a worker of the ${c.workers}-worker run stopped`);
        const imagesPerSecond = batchOf(c.workers) / (stepMs(c.workers) / 1000);
        const line: WorkersLine = {
          what: 'workers',
          host: host.host,
          backend,
          preset,
          batch: batchOf(c.workers),
          ...(settings.batchPerWorker ? { batchPerWorker: settings.batch } : {}),
          workers: c.workers,
          stepMs: Math.round(stepMs(c.workers) * 10) / 10,
          imagesPerSecond: Math.round(imagesPerSecond * 10) / 10,
          ratio: Math.round((imagesPerSecond / base) * 1000) / 1000,
          rounds: ROUNDS,
          stepsPerRound: settings.steps,
          cores: host.cores,
        };
        if (c.trainer instanceof DataParallelTrainer && c.trainer.timings.steps > 0) {
          const t = c.trainer.timings;
          line.split = { ownShareMs: round1(t.ownShare / t.steps), waitingMs: round1(t.waiting / t.steps), restMs: round1(t.rest / t.steps) };
        }
        if (host.cpuClock) {
          line.cpuStepMs = Math.round(cpuStepMs(c.workers) * 10) / 10;
          // CPU time per image, one worker's against n's, times n (the batch may differ between them).
          const cpuPerImage = (n: number): number => cpuStepMs(n) / batchOf(n);
          if (counts.includes(1)) line.cpuRatio = Math.round(((c.workers * cpuPerImage(1)) / cpuPerImage(c.workers)) * 1000) / 1000;
        }
        emit(line);
      }
    } catch (error) {
      emit({ what: 'error', host: host.host, backend, preset, message: error instanceof Error ? error.message : String(error) });
    } finally {
      for (const c of contenders) c.dispose();
    }
  }
}
