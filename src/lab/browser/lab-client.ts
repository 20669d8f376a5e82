/**
 * The page side of the lab: `getLab()` gives every widget on a page the same Lab, whose work runs
 * in one Web Worker (lab-worker.ts). Requests are promises, one function per entry of protocol.ts's
 * LAB_METHODS; errors from the worker reject them with the worker's error name and message; events
 * arrive as CustomEvents.
 *
 *   const lab = getLab({ backend: 'auto' });
 *   const { backend, reason } = await lab.ready();
 *   lab.addEventListener('train-progress', (e) => chart.add(e.detail.newLosses));
 */
import type { Lab, LabEvents, LabOptions, LabRequests, LabStatus, SampleStep, StreamOptions } from '../lab-api';
import { readStoredChoice, storeChoice } from './choice-store';
import {
  LAB_METHODS,
  deserializeError,
  type FromWorker,
  type LabResult,
  type MethodName,
  type ToWorker,
  type WireArgs,
  type WorkerInit,
} from './protocol';
import { startModuleWorker } from './module-worker';
// The worker's built URL, without starting it: startModuleWorker decides how (./module-worker.ts).
import labWorkerUrl from './lab-worker.ts?worker&url';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onStep?: (step: SampleStep) => void;
}

/** The part of a Worker the client uses. */
export interface LabWorker {
  postMessage(message: ToWorker, options?: StructuredSerializeOptions): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FromWorker>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'messageerror', listener: () => void): void;
  terminate(): void;
}

function abortError(): DOMException {
  return new DOMException('Sampling was cancelled', 'AbortError');
}

function startWorker(): LabWorker {
  return startModuleWorker(labWorkerUrl, 'diffusion-lab');
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
    workers: options.workers,
    rememberedChoice: readStoredChoice(),
  };
}

// The requests themselves (modelInfo, sample, …) are not written here: the constructor makes one
// function per entry of LAB_METHODS, typed by `LabRequests`.
interface LabClient extends LabRequests {}

class LabClient implements Lab {
  private worker: LabWorker | null = null;
  private status: Promise<LabStatus> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new EventTarget();
  /** Set once the worker has failed or the lab was disposed: every later request rejects with it. */
  private broken: Error | null = null;

  constructor(
    private readonly options: WorkerInit,
    private readonly openWorker: () => LabWorker = startWorker,
  ) {
    for (const method of Object.keys(LAB_METHODS) as MethodName[]) {
      // init is ready()'s, which also remembers the status and announces the backend.
      if (method !== 'init') Object.assign(this, { [method]: this.requestFunction(method) });
    }
  }

  ready(): Promise<LabStatus> {
    if (!this.status) {
      const status = this.call('init', [this.options]).then((status) => {
        // Kept only when the winner started here: a choice that failed is measured again next time.
        if (status.choice && !status.choice.remembered && status.choice.backend === status.backend) storeChoice(status.choice);
        this.events.dispatchEvent(new CustomEvent('backend', { detail: status }));
        return status;
      });
      // A start that failed (e.g. a network error while loading tfjs' files) is tried again on the next call.
      status.catch(() => {
        this.status = null;
      });
      this.status = status;
    }
    return this.status;
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

  // ---- the requests, from the table ------------------------------------------------------------

  /** The page's function for request `method`, of the kind LAB_METHODS gives it. */
  private requestFunction<K extends Exclude<MethodName, 'init'>>(method: K): LabRequests[K] {
    const send =
      LAB_METHODS[method].kind === 'stream'
        ? (request: WireArgs<K>[0], opts?: StreamOptions) => this.stream(method, [request] as WireArgs<K>, opts)
        : (...args: WireArgs<K>) => this.request(method, args);
    // The table's kind matches the signature (protocol.ts checks it), so `send` has K's signature.
    return send as unknown as LabRequests[K];
  }

  /** A request after start-up: waits for ready(), so a failed start rejects every request with its reason. */
  private async request<K extends MethodName>(method: K, args: WireArgs<K>): Promise<LabResult<K>> {
    await this.ready();
    return this.call(method, args);
  }

  /** A streamed request: steps go to onStep; an abort rejects at once and tells the worker to stop. */
  private async stream<K extends MethodName>(method: K, args: WireArgs<K>, { signal, onStep }: StreamOptions = {}): Promise<LabResult<K>> {
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
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      id = this.send(method, args, {
        resolve: (value) => {
          settle();
          resolve(value as LabResult<K>);
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

  // ---- messaging -----------------------------------------------------------------------------

  private call<K extends MethodName>(method: K, args: WireArgs<K>): Promise<LabResult<K>> {
    return new Promise((resolve, reject) => {
      this.send(method, args, { resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** Posts a request and returns its id. Arguments are copied, never transferred: the caller keeps its arrays. */
  private send<K extends MethodName>(method: K, args: WireArgs<K>, pending: Pending): number {
    const id = this.nextId++;
    if (this.broken) {
      pending.reject(this.broken);
      return id;
    }
    this.pending.set(id, pending);
    try {
      this.ensureWorker().postMessage({ type: 'request', id, method, args } as ToWorker);
    } catch (error) {
      // E.g. an argument that cannot be cloned (a function inside the settings).
      this.pending.delete(id);
      pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return id;
  }

  private ensureWorker(): LabWorker {
    if (this.worker) return this.worker;
    const worker = this.openWorker();
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

/** A lab on a worker of the caller's (tests connect it to a dispatcher in the same thread); no page options are read. */
export function connectLab(init: WorkerInit, openWorker: () => LabWorker): Lab {
  return new LabClient(init, openWorker);
}
