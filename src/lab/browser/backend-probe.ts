/**
 * Times a real training step on each backend the page could train on, in throw-away replica
 * workers (web-worker-replicas.ts, answering the replica protocol's 'probe'), so the lab's own
 * worker can then start the winner: WebAssembly with 1 and with N workers sharing the batch, and
 * each GPU backend the browser offers. The timed part (warm steps, after each worker has started
 * and built the network) has a budget, 2 s in all; a candidate that has not finished a step when
 * it runs out has no figure and loses. See src/training/backend-choice.ts for the choice.
 */
import type { BackendName } from '../../backend/names';
import { pickFastest, type StepTiming } from '../../training/backend-choice';
import { splitBatch, type ReplicaPort, type ReplicaSetup } from '../../training/replica-protocol';
import { startWebWorkerReplicas } from './web-worker-replicas';

export interface ProbeOptions {
  setup: ReplicaSetup;
  numTrainTimesteps: number;
  /** Rows per training step (the run's batch size). */
  batchSize: number;
  /** The most wasm workers to try together (1 tries one only). */
  wasmWorkers: number;
  /** GPU backends to time (gpuBackendsHere). */
  gpuBackends: BackendName[];
  wasmBase?: string;
  /** Time for the timed steps of all candidates together. */
  budgetMs?: number;
  /** Time for a candidate's workers to start, build the network and finish an untimed first step. */
  wasmStartMs?: number;
  gpuStartMs?: number;
}

class OutOfTime extends Error {}

/** One probe worker: start-up, and one step at a time. */
class ProbeWorker {
  private waiting: { resolve(ms: number): void; reject(e: Error): void } | null = null;
  private failure: string | null = null;

  constructor(readonly port: ReplicaPort) {
    port.onMessage((m) => {
      const w = this.waiting;
      this.waiting = null;
      if (m.type === 'probed') w?.resolve(m.ms);
      else if (m.type === 'error') this.fail(m.message);
    });
    port.onFailure((reason) => this.fail(reason));
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(new Error(reason));
  }

  /** Sets the network up, then times a step of `count` rows; resolves with the step's time. */
  step(count: number, numTrainTimesteps: number): Promise<number> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.port.post({ type: 'probe', count, numTrainTimesteps }, []);
    });
  }

  setup(setup: ReplicaSetup): void {
    this.port.post({ type: 'setup', setup }, []);
  }
}

function before<T>(promise: Promise<T>, deadline: number): Promise<T> {
  const left = deadline - performance.now();
  if (left <= 0) return Promise.reject(new OutOfTime());
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OutOfTime()), left);
    }),
  ]).finally(() => clearTimeout(timer));
}

function noteFor(error: unknown, budgetMs: number): string {
  if (error instanceof OutOfTime) return `no step within ${(budgetMs / 1000).toFixed(0)} s`;
  return `it did not run: ${error instanceof Error ? error.message : String(error)}`;
}

/** The wall time of one step shared by `workers` (each computes its share at once). */
async function sharedStep(workers: ProbeWorker[], batchSize: number, numTrainTimesteps: number, deadline: number): Promise<number> {
  const shares = splitBatch(batchSize, workers.length);
  const start = performance.now();
  await before(Promise.all(shares.map(([a, b], i) => workers[i].step(b - a, numTrainTimesteps))), deadline);
  return performance.now() - start;
}

/** Times every candidate; the figures come back in the order measured (wasm first). */
export async function probeTrainingBackends(options: ProbeOptions): Promise<StepTiming[]> {
  const budgetMs = options.budgetMs ?? 2000;
  // WebAssembly must start (it is the fallback); a GPU that cannot start and run one row in 2 s
  // would not win on a step of 32.
  const wasmStartMs = options.wasmStartMs ?? 10000;
  const gpuStartMs = options.gpuStartMs ?? 2000;
  const { batchSize, numTrainTimesteps } = options;
  const wasmCount = Math.max(1, Math.min(options.wasmWorkers, batchSize));
  const ports: ReplicaPort[] = [];
  const open = (backend: BackendName, count: number): ProbeWorker[] => {
    const started = startWebWorkerReplicas(count, { backend, wasmBase: options.wasmBase });
    ports.push(...started);
    return started.map((p) => {
      const w = new ProbeWorker(p);
      w.setup(options.setup);
      return w;
    });
  };
  const timings: StepTiming[] = [];
  // What is left of the timed budget: only timed steps spend it, not start-ups and warm-ups.
  let budgetLeft = budgetMs;
  const fastest = (): number | null => pickFastest(timings)?.msPerStep ?? null;
  /** Times `workers` sharing the batch (after a warm-up within `warmMs`), pushing their figure. */
  const figure = async (backend: BackendName, workers: ProbeWorker[], warmRows: number[], warmMs: number): Promise<void> => {
    try {
      await before(Promise.all(workers.map((w, i) => w.step(warmRows[i], numTrainTimesteps))), performance.now() + warmMs);
    } catch (error) {
      workers.forEach((w) => w.port.terminate());
      timings.push({ backend, workers: workers.length, msPerStep: null, note: noteFor(error, warmMs) });
      return;
    }
    // Two timed steps when time allows, and the quicker one (a step can meet a pause). A step
    // may take no longer than the fastest figure so far: past that, this candidate has lost.
    const timedFrom = performance.now();
    let best: number | null = null;
    try {
      for (let i = 0; i < 2; i++) {
        const limit = Math.min(budgetLeft - (performance.now() - timedFrom), fastest() ?? Infinity);
        const ms = await sharedStep(workers, batchSize, numTrainTimesteps, performance.now() + limit);
        best = best === null ? ms : Math.min(best, ms);
      }
    } catch (error) {
      budgetLeft -= performance.now() - timedFrom;
      if (best === null) {
        // A worker still busy with a step it ran out of time for would slow the next figures.
        workers.forEach((w) => w.port.terminate());
        const quickest = fastest();
        const note = error instanceof OutOfTime && quickest !== null ? `over ${Math.round(quickest)} ms/step` : noteFor(error, budgetMs);
        timings.push({ backend, workers: workers.length, msPerStep: null, note });
        return;
      }
    }
    budgetLeft -= performance.now() - timedFrom;
    timings.push({ backend, workers: workers.length, msPerStep: best });
  };
  try {
    // One candidate at a time, so no figure is slowed by another's work (a worker starting up
    // included). WebAssembly first: one worker starts, runs an untimed step, and is timed; then
    // the others start, all run an untimed step at their shares, and the N are timed together.
    const first = open('wasm', 1);
    await figure('wasm', first, [batchSize], wasmStartMs);
    if (wasmCount > 1 && timings[0].msPerStep !== null) {
      const wasm = [...first, ...open('wasm', wasmCount - 1)];
      const shares = splitBatch(batchSize, wasmCount).map(([a, b]) => b - a);
      await figure('wasm', wasm, shares, wasmStartMs);
      for (const w of wasm) w.port.terminate();
    }
    for (const w of first) w.port.terminate();
    // Then each GPU backend, warmed on one row (its shaders compile at first use; a software GPU
    // that cannot finish even that in time has lost already).
    for (const backend of options.gpuBackends) {
      if (budgetLeft <= 0) {
        timings.push({ backend, workers: 1, msPerStep: null, note: `not timed: the ${(budgetMs / 1000).toFixed(0)} s were spent` });
        continue;
      }
      await figure(backend, open(backend, 1), [1], gpuStartMs);
    }
  } finally {
    for (const p of ports) p.terminate();
  }
  return timings;
}
