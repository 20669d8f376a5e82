/**
 * The page side of the lab: `getLab()` gives every widget on a page the same Lab, whose work runs
 * in one Web Worker (lab-worker.ts). Requests are promises; errors from the worker reject them
 * with the worker's error name and message; events arrive as CustomEvents.
 *
 *   const lab = getLab({ backend: 'auto' });
 *   const { backend, reason } = await lab.ready();
 *   lab.addEventListener('train-progress', (e) => chart.add(e.detail.newLosses));
 */
import type { Lab, LabEvents, LabOptions, LabStatus, SampleStep } from '../lab-api';
import {
  deserializeError,
  type FromWorker,
  type LabMethods,
  type MethodName,
  type ToWorker,
  type WorkerInit,
} from './protocol';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onStep?: (step: SampleStep) => void;
}

function abortError(): DOMException {
  return new DOMException('Sampling was cancelled', 'AbortError');
}

/** Base URLs resolved against the page, so the worker (whose own URL differs) reads the same files. */
function resolveOptions(options: LabOptions): WorkerInit {
  const pageBase = typeof document !== 'undefined' ? document.baseURI : location.href;
  const folder = (url: string): string => {
    const resolved = new URL(url, pageBase).href;
    return resolved.endsWith('/') ? resolved : `${resolved}/`;
  };
  // `?backend=wasm` in the page's URL overrides the page's own choice, so a learner (or a bug
  // report) can force a backend without editing the page.
  const fromUrl = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('backend') : null;
  return {
    // Checked in the worker, so that a bad value rejects ready() instead of throwing here.
    backend: (fromUrl ?? options.backend ?? 'auto') as WorkerInit['backend'],
    assetsBase: folder(options.assetsBase ?? `${import.meta.env.BASE_URL}assets/`),
    wasmBase: options.wasmBase === undefined ? undefined : folder(options.wasmBase),
  };
}

class LabClient implements Lab {
  private worker: Worker | null = null;
  private status: Promise<LabStatus> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new EventTarget();
  /** Set once the worker has failed or the lab was disposed: every later request rejects with it. */
  private broken: Error | null = null;

  constructor(readonly init: WorkerInit) {}

  ready(): Promise<LabStatus> {
    if (!this.status) {
      this.status = this.call('init', this.init).then((status) => {
        this.events.dispatchEvent(new CustomEvent('backend', { detail: status }));
        return status;
      });
      // A start that failed (e.g. a network error while loading tfjs' files) is tried again on the next call.
      this.status.catch(() => {
        this.status = null;
      });
    }
    return this.status;
  }

  modelInfo: Lab['modelInfo'] = (source) => this.request('modelInfo', source);
  startTraining: Lab['startTraining'] = (settings) => this.request('startTraining', settings);
  pauseTraining: Lab['pauseTraining'] = () => this.request('pauseTraining', null);
  resumeTraining: Lab['resumeTraining'] = () => this.request('resumeTraining', null);
  resetTraining: Lab['resetTraining'] = () => this.request('resetTraining', null);
  trainProgress: Lab['trainProgress'] = () => this.request('trainProgress', null);
  classify: Lab['classify'] = (images, count) => this.request('classify', { images, count });
  saveCheckpoint: Lab['saveCheckpoint'] = (target) => this.request('saveCheckpoint', target);
  loadCheckpoint: Lab['loadCheckpoint'] = (from) => this.request('loadCheckpoint', from);
  numTensors: Lab['numTensors'] = () => this.request('numTensors', null);

  sample: Lab['sample'] = async (request, opts = {}) => {
    const { signal, onStep } = opts;
    if (signal?.aborted) throw abortError();
    await this.ready();
    if (signal?.aborted) throw abortError();
    return new Promise((resolve, reject) => {
      let id = 0;
      const onAbort = (): void => {
        // Answer at once; the worker stops before its next step and its late reply is ignored.
        this.pending.delete(id);
        this.worker?.postMessage({ type: 'cancel', id } satisfies ToWorker);
        reject(abortError());
      };
      id = this.send('sample', request, {
        resolve: (value) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value as Awaited<ReturnType<Lab['sample']>>);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        onStep,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  // ---- editing: inpainting and SDEdit, cancellable and step-reporting like sample ----
  inpaint: Lab['inpaint'] = (request, opts = {}) => this.streamed('inpaint', request, opts);
  sdedit: Lab['sdedit'] = (request, opts = {}) => this.streamed('sdedit', request, opts);

  // ---- latent diffusion (host-latent.ts) ----
  latentInfo: Lab['latentInfo'] = (model) => this.request('latentInfo', model);
  latentReconstruct: Lab['latentReconstruct'] = (request) => this.request('latentReconstruct', request);
  latentSample: Lab['latentSample'] = (request) => this.request('latentSample', request);

  private async streamed<K extends 'inpaint' | 'sdedit'>(
    method: K,
    request: LabMethods[K][0],
    { signal, onStep }: { onStep?: (s: SampleStep) => void; signal?: AbortSignal },
  ): Promise<LabMethods[K][1]> {
    if (signal?.aborted) throw abortError();
    await this.ready();
    if (signal?.aborted) throw abortError();
    return new Promise((resolve, reject) => {
      let id = 0;
      const onAbort = (): void => {
        this.pending.delete(id);
        this.worker?.postMessage({ type: 'cancel', id } satisfies ToWorker);
        reject(abortError());
      };
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      id = this.send(method, request, {
        resolve: (value) => {
          settle();
          resolve(value as LabMethods[K][1]);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        onStep,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  addEventListener<K extends keyof LabEvents>(type: K, listener: (e: CustomEvent<LabEvents[K]>) => void): void {
    this.events.addEventListener(type, listener as EventListener);
  }

  removeEventListener<K extends keyof LabEvents>(type: K, listener: (e: CustomEvent<LabEvents[K]>) => void): void {
    this.events.removeEventListener(type, listener as EventListener);
  }

  dispose(): void {
    this.fail(new Error('the lab was disposed'));
    this.worker?.terminate();
    this.worker = null;
    if (shared?.lab === this) shared = null;
  }

  // ---- messaging -----------------------------------------------------------------------------

  /** A request after start-up: waits for ready(), so a failed start rejects every request with its reason. */
  private async request<K extends MethodName>(method: K, arg: LabMethods[K][0]): Promise<LabMethods[K][1]> {
    await this.ready();
    return this.call(method, arg);
  }

  private call<K extends MethodName>(method: K, arg: LabMethods[K][0]): Promise<LabMethods[K][1]> {
    return new Promise((resolve, reject) => {
      this.send(method, arg, { resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** Posts a request and returns its id. Arguments are copied, never transferred: the caller keeps its arrays. */
  private send<K extends MethodName>(method: K, arg: LabMethods[K][0], pending: Pending): number {
    const id = this.nextId++;
    if (this.broken) {
      pending.reject(this.broken);
      return id;
    }
    this.pending.set(id, pending);
    try {
      this.ensureWorker().postMessage({ type: 'request', id, method, arg } as ToWorker);
    } catch (error) {
      // E.g. an argument that cannot be cloned (a function inside the settings).
      this.pending.delete(id);
      pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return id;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./lab-worker.ts', import.meta.url), { type: 'module', name: 'diffusion-lab' });
    worker.addEventListener('message', (event: MessageEvent<FromWorker>) => this.receive(event.data));
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(new Error(`the lab worker failed: ${event.message || 'it could not be loaded'}`));
    });
    worker.addEventListener('messageerror', () => {
      this.fail(new Error('the lab worker sent a message that could not be read'));
    });
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'reply': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(deserializeError(message.error));
        return;
      }
      case 'sample-step':
        this.pending.get(message.id)?.onStep?.(message.step);
        return;
      case 'event':
        this.events.dispatchEvent(new CustomEvent(message.event, { detail: message.detail }));
        return;
    }
  }

  /** Rejects everything in flight, and every later request, with `error`. */
  private fail(error: Error): void {
    this.broken = error;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}

let shared: { lab: LabClient; key: string } | null = null;

/**
 * The page's lab, created on the first call; the worker and backend start on the first request
 * (or `ready()`). Options of the first call win: a later call with other options gets the same
 * lab and a console warning.
 */
export function getLab(options?: LabOptions): Lab {
  const init = resolveOptions(options ?? {});
  const key = JSON.stringify(init);
  if (shared) {
    if (options !== undefined && key !== shared.key) {
      console.warn(
        `getLab: this page's lab already runs with ${shared.key}; the options ${key} are ignored (the first call's options win)`,
      );
    }
    return shared.lab;
  }
  const lab = new LabClient(init);
  shared = { lab, key };
  return lab;
}
