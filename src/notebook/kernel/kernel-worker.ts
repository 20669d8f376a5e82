/**
 * The notebook kernel: one module Web Worker per lesson page runs the page's cells, one at a time,
 * in a shared scope (the worker's global object; see ./scope-rewrite.ts). It has no access to the
 * page's DOM. Its globals are the API documented in lessons/README.md: tf, every export of
 * src/diffusion (also as `diffusion`), mnist, models, show, plot, table and print.
 *
 * After each cell it compares tfjs's tensor count with the count before, less the tensors the
 * cell keeps in its declared names or returns and the model weights the kernel keeps, and warns
 * about the rest: those are tensors nobody can free any more.
 */
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../backend';
import * as diffusion from '../../diffusion';
import { checkExercise } from '../exercises';
import { formatValue, isTensor } from './format-value';
import { kernelData, type KernelData } from './kernel-models';
import { imagesOutput, plotOutput, tableOutput, type ShowOptions } from './output-builders';
import type { CellOutput, FromKernel, ToKernel } from './protocol';
import { runCell } from './run-cell';

// Taken once at load: a cell's globals live on `self`, so nothing a cell does can cut the line to the page.
const postToPage = self.postMessage.bind(self);
const post = (message: FromKernel, transfer: Transferable[] = []): void => postToPage(message, { transfer });

let currentRun = 0;
let data: KernelData | null = null;
let backend: Promise<unknown> | null = null;
const pendingTrained = new Map<number, { resolve(files: { json: string; weights: ArrayBuffer }): void; reject(error: Error): void }>();
let nextRequest = 1;

function emit(output: CellOutput): void {
  post({ type: 'output', runId: currentRun, output }, output.kind === 'images' ? [output.data.buffer as ArrayBuffer] : []);
}

const print = (...values: unknown[]): void => emit({ kind: 'text', text: values.map((v) => formatValue(v)).join(' ') });

function askPageForTrainedModel(): Promise<{ json: string; weights: ArrayBuffer }> {
  const requestId = nextRequest++;
  return new Promise((resolve, reject) => {
    pendingTrained.set(requestId, { resolve, reject });
    post({ type: 'need-trained-model', requestId });
  });
}

function installGlobals(assetsBase: string): void {
  data = kernelData(assetsBase, askPageForTrainedModel);
  const api: Record<string, unknown> = {
    ...diffusion,
    diffusion,
    tf,
    mnist: data.mnist,
    models: data.models,
    print,
    show: (images: unknown, options?: ShowOptions) => emit(imagesOutput(images, options)),
    plot: (...args: unknown[]) => emit(plotOutput(args)),
    table: (rows: unknown) => emit(tableOutput(rows)),
  };
  Object.assign(globalThis, api);
  for (const method of ['log', 'info', 'debug'] as const) console[method] = print;
  console.warn = (...values: unknown[]) => emit({ kind: 'warning', text: values.map((v) => formatValue(v)).join(' ') });
  console.error = console.warn;
}

/** Tensors created by this cell that it keeps reachable: in the names it declared or in its value. */
function keptTensors(roots: unknown[], firstId: number): number {
  const ids = new Set<number>();
  const visit = (value: unknown, depth: number): void => {
    if (isTensor(value)) {
      if (!value.isDisposed && value.id >= firstId) ids.add(value.id);
      return;
    }
    if (depth > 2 || typeof value !== 'object' || value === null) return;
    const children = Array.isArray(value) ? value : Object.getPrototypeOf(value) === Object.prototype ? Object.values(value) : [];
    for (const child of children.slice(0, 1000)) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return ids.size;
}

async function run(message: Extract<ToKernel, { type: 'run' }>): Promise<void> {
  currentRun = message.runId;
  let ok = false;
  try {
    await backend;
    const probe = tf.scalar(0);
    const firstId = probe.id;
    probe.dispose();
    const before = tf.memory().numTensors;
    const ownedBefore = data!.owned();
    const result = await runCell(message.code, `cell-${message.cell + 1}.js`);
    if (result.ok) {
      if (result.returnsValue && result.value !== undefined) emit({ kind: 'text', text: formatValue(result.value, true) });
    } else {
      emit({ kind: 'error', ...result.error });
    }
    const g = globalThis as unknown as Record<string, unknown>;
    const roots = result.ok ? [...result.declared.map((name) => g[name]), result.value] : [];
    const leaked = tf.memory().numTensors - before - (data!.owned() - ownedBefore) - keptTensors(roots, firstId);
    if (leaked > 0) {
      emit({
        kind: 'warning',
        text: `This cell left ${leaked} tensor${leaked === 1 ? '' : 's'} in memory that nothing refers to: wrap the work in tf.tidy(() => …) or call .dispose() on tensors you no longer need.`,
      });
    }
    if (result.ok && message.exercise) {
      const report = await checkExercise(message.exercise, g);
      emit({ kind: 'check', passed: report.passed, messages: report.messages });
    }
    ok = result.ok;
  } catch (error) {
    emit({ kind: 'error', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error), line: null });
  }
  post({ type: 'done', runId: message.runId, ok });
}

/**
 * An error a cell throws after its run ended (in a timer, a callback) or a promise it rejects that
 * nothing awaits: a warning under the cell that ran last, or on the page before any run. Without
 * preventDefault the page's Worker would see an `error` event and take the kernel for dead.
 */
function reportLate(what: string, error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  emit({ kind: 'warning', text: `${what} after the cell's run: ${text}` });
}
self.addEventListener('error', (event: ErrorEvent) => {
  event.preventDefault();
  reportLate('An error was thrown', event.error ?? event.message);
});
self.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
  event.preventDefault();
  reportLate('A promise was rejected and nothing awaited it', event.reason);
});

// Cells run one after another, in the order the page sends them.
let queue: Promise<void> = Promise.resolve();

self.addEventListener('message', (event: MessageEvent<ToKernel>) => {
  const message = event.data;
  if (message.type === 'init') {
    installGlobals(message.init.assetsBase);
    // A start-up failure is kept: every run awaits `backend` and reports it as its own error.
    backend = setupBackend('wasm').then(
      (setup) => post({ type: 'ready', backend: setup.backend, reason: setup.reason }),
      (error: unknown) => {
        throw new Error(`tfjs could not start: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    backend.catch(() => {});
  } else if (message.type === 'run') {
    // One run that fails must never keep the later ones from starting.
    queue = queue.then(() => run(message)).catch(() => {});
  } else if (message.type === 'trained-model') {
    const pending = pendingTrained.get(message.requestId);
    pendingTrained.delete(message.requestId);
    if (!pending) return;
    if (message.json !== undefined && message.weights) pending.resolve({ json: message.json, weights: message.weights });
    else pending.reject(new Error(`models.trained: ${message.error ?? 'the page sent no model'}`));
  }
});
