/**
 * The page's handle on its notebook kernel (../kernel/kernel-worker.ts): the worker starts on the
 * first run; `stop()` ends it at once (a cell in an endless loop cannot be interrupted any other
 * way) and the next run starts a fresh one, with an empty scope.
 */
import type { CellOutput, FromKernel, KernelInit, ToKernel } from '../kernel/protocol';

export interface RunRequest {
  cell: number;
  code: string;
  exercise?: string;
  onOutput(output: CellOutput): void;
}

/** How a run ended: the cell finished (ok or with an error), or the kernel was stopped under it. */
export type RunEnd = 'ok' | 'error' | 'stopped';

export interface KernelHooks {
  /** The checkpoint of the page's trainer, for `models.trained()`; rejects with a reason the learner can act on. */
  trainedModel(): Promise<{ json: string; weights: ArrayBuffer }>;
  /** The backend the kernel started on. */
  onReady?(backend: string): void;
  /** The worker failed to load or crashed. */
  onCrash?(message: string): void;
  /** Output the kernel sent for no run the page still shows (before the first run): a warning. */
  onStrayOutput?(output: CellOutput): void;
}

interface InFlight {
  request: RunRequest;
  finish(end: RunEnd): void;
}

export class NotebookKernel {
  private worker: Worker | null = null;
  private nextRun = 1;
  private readonly inFlight = new Map<number, InFlight>();
  /** The run that ended last: a late error of its cell (a timer that throws) is shown under it. */
  private lastEnded: { runId: number; request: RunRequest } | null = null;

  constructor(
    private readonly init: KernelInit,
    private readonly hooks: KernelHooks,
    private readonly openWorker: () => Worker = () => new Worker(new URL('../kernel/kernel-worker.ts', import.meta.url), { type: 'module', name: 'notebook-kernel' }),
  ) {}

  get started(): boolean {
    return this.worker !== null;
  }

  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  run(request: RunRequest): Promise<RunEnd> {
    const worker = this.ensureWorker();
    const runId = this.nextRun++;
    return new Promise((resolve) => {
      this.inFlight.set(runId, { request, finish: resolve });
      this.send(worker, { type: 'run', runId, cell: request.cell, code: request.code, ...(request.exercise ? { exercise: request.exercise } : {}) });
    });
  }

  /** Ends the worker now: every run in flight ends as 'stopped', and the scope is gone. */
  stop(): void {
    this.worker?.terminate();
    this.worker = null;
    this.lastEnded = null;
    const runs = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const run of runs) run.finish('stopped');
  }

  private send(worker: Worker, message: ToKernel, transfer: Transferable[] = []): void {
    worker.postMessage(message, transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.openWorker();
    this.worker = worker;
    worker.addEventListener('message', (event: MessageEvent<FromKernel>) => this.receive(worker, event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const message = `The kernel failed: ${event.message || 'its script could not load'}.`;
      for (const run of this.inFlight.values()) run.request.onOutput({ kind: 'error', name: 'Error', message, line: null });
      this.stop();
      this.hooks.onCrash?.(message);
    });
    this.send(worker, { type: 'init', init: this.init });
    return worker;
  }

  private receive(worker: Worker, message: FromKernel): void {
    if (worker !== this.worker) return;
    switch (message.type) {
      case 'output': {
        const request = this.inFlight.get(message.runId)?.request ?? (this.lastEnded?.runId === message.runId ? this.lastEnded.request : null);
        if (request) request.onOutput(message.output);
        else this.hooks.onStrayOutput?.(message.output);
        break;
      }
      case 'done': {
        const run = this.inFlight.get(message.runId);
        this.inFlight.delete(message.runId);
        if (run) this.lastEnded = { runId: message.runId, request: run.request };
        run?.finish(message.ok ? 'ok' : 'error');
        break;
      }
      case 'ready':
        this.hooks.onReady?.(message.backend);
        break;
      case 'need-trained-model':
        this.hooks.trainedModel().then(
          (files) => this.worker === worker && this.send(worker, { type: 'trained-model', requestId: message.requestId, ...files }, [files.weights]),
          (error: unknown) => this.worker === worker && this.send(worker, { type: 'trained-model', requestId: message.requestId, error: error instanceof Error ? error.message : String(error) }),
        );
        break;
    }
  }
}
