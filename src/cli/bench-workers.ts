/**
 * Images per second of data-parallel training (src/training/data-parallel.ts) in Node with 1, 2, …
 * worker threads, on the fixed batch of bench-step.ts. One trainer per worker count lives through
 * the whole measurement and the counts take turns, round after round, so a load that changes on a
 * shared machine weighs on every count alike; each count's figure is its median round.
 */
import { availableParallelism } from 'node:os';
import { DDPMScheduler } from '../diffusion';
import { PRESETS, UNet, type PresetName } from '../model';
import { Trainer } from '../training/trainer';
import { DataParallelTrainer } from '../training/data-parallel';
import { FixedBatch } from './bench-step';
import type { BenchLine, BenchSettings } from './bench-measure';
import { startThreadReplicas } from './worker-thread-replicas';

const ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 1, 2, … up to the machine's cores (at most 4): the counts `npm run bench` times by default. */
export function defaultWorkerCounts(): number[] {
  const most = Math.max(2, Math.min(4, availableParallelism()));
  return Array.from({ length: most }, (_, i) => i + 1);
}

interface Contender {
  workers: number;
  trainer: Trainer;
  dispose(): void;
}

function contender(preset: PresetName, workers: number, backend: string, batch: number): Contender {
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
          ports: startThreadReplicas(workers - 1, backend),
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

/** CPU time of this process, every thread included, in ms. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** `steps` steps, their losses read at the end; wall and process CPU milliseconds per step. */
async function time(trainer: Trainer, steps: number): Promise<{ ms: number; cpuMs: number }> {
  const start = performance.now();
  const cpuStart = processCpuMs();
  for (let i = 0; i < steps; i++) {
    const stepping = trainer.runStep();
    if (stepping) await stepping;
  }
  await trainer.flushLosses();
  return { ms: (performance.now() - start) / steps, cpuMs: (processCpuMs() - cpuStart) / steps };
}

export async function measureWorkers(
  backend: string,
  settings: BenchSettings,
  counts: number[],
  emit: (line: BenchLine) => void,
): Promise<void> {
  for (const preset of settings.presets) {
    const contenders = counts.map((n) => contender(preset, n, backend, settings.batch));
    try {
      for (const c of contenders) await time(c.trainer, Math.max(1, settings.warmup));
      const ms = new Map<number, number[]>(counts.map((n) => [n, []]));
      const cpuMs = new Map<number, number[]>(counts.map((n) => [n, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of contenders) {
          const t = await time(c.trainer, settings.steps);
          ms.get(c.workers)!.push(t.ms);
          cpuMs.get(c.workers)!.push(t.cpuMs);
        }
      }
      const stepMs = (n: number): number => median(ms.get(n)!);
      const cpuStepMs = (n: number): number => median(cpuMs.get(n)!);
      const base = counts.includes(1) ? settings.batch / (stepMs(1) / 1000) : NaN;
      for (const c of contenders) {
        if (c.trainer.workers !== c.workers) throw new Error(`a worker of the ${c.workers}-worker run stopped`);
        const imagesPerSecond = settings.batch / (stepMs(c.workers) / 1000);
        emit({
          what: 'workers',
          host: 'node',
          backend,
          preset,
          batch: settings.batch,
          workers: c.workers,
          stepMs: Math.round(stepMs(c.workers) * 10) / 10,
          imagesPerSecond: Math.round(imagesPerSecond * 10) / 10,
          ratio: Math.round((imagesPerSecond / base) * 1000) / 1000,
          cpuStepMs: Math.round(cpuStepMs(c.workers) * 10) / 10,
          cpuRatio: counts.includes(1) ? Math.round(((c.workers * cpuStepMs(1)) / cpuStepMs(c.workers)) * 1000) / 1000 : NaN,
          rounds: ROUNDS,
          stepsPerRound: settings.steps,
          cores: availableParallelism(),
        });
      }
    } catch (error) {
      emit({ what: 'error', host: 'node', backend, preset, message: error instanceof Error ? error.message : String(error) });
    } finally {
      for (const c of contenders) c.dispose();
    }
  }
}
