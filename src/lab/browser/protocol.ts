/**
 * Messages between the page (lab-client.ts) and the lab worker (lab-worker.ts, lab-dispatch.ts).
 * Every request carries an id; the worker answers each with exactly one reply. Events and the
 * steps of a streamed request flow from the worker unasked. Plain data only (structured clone).
 *
 * The requests are not written out one by one: `LabRequests` (lab-api.ts) declares them as the
 * page calls them, LAB_METHODS says how each travels, and every type below is derived from the
 * two. A new request is one line in `LabRequests`, one in LAB_METHODS and its LabHost method.
 */
import type { LabEvents, LabOptions, LabRequests, LabStatus, SampleStep, StreamOptions } from '../lab-api';

/** Options as the worker receives them: URLs already resolved against the page. */
export interface WorkerInit {
  backend: NonNullable<LabOptions['backend']>;
  assetsBase: string;
  wasmBase?: string;
  workers?: LabOptions['workers'];
  /** The page's stored backend choice for this device (LabStatus.choice), checked by the worker. */
  rememberedChoice?: unknown;
}

/** The request the client sends on its own: start-up with the page's options (behind `Lab.ready()`). */
export interface StartRequest {
  init(options: WorkerInit): Promise<LabStatus>;
}

/** Every request the worker answers. */
export interface LabMethods extends LabRequests, StartRequest {}

export type MethodName = keyof LabMethods;

/**
 * How a request travels:
 * - 'request': its arguments go to the worker, one reply comes back.
 * - 'stream': a long, cancellable job. The page calls it as `(request, opts?: StreamOptions)`;
 *   the worker sends its steps as 'sample-step' messages before the reply, and a 'cancel'
 *   message (the page's signal aborting) stops it before its next step.
 */
export type MethodKind = 'request' | 'stream';

/** 'stream' exactly for the page signatures `(request, opts?: StreamOptions)`. */
type KindOf<K extends MethodName> = [never, StreamOptions?] extends Parameters<LabMethods[K]> ? 'stream' : 'request';

export interface MethodSpec<Kind extends MethodKind = MethodKind> {
  kind: Kind;
  /**
   * The result's ArrayBuffers move to the page instead of being copied (steps and events always
   * move). The host must then hand out arrays it does not keep.
   */
  transfer: boolean;
}

/**
 * The lab's one table of requests. The compiler checks it against `LabMethods`: a missing or
 * extra entry, or a kind that does not match the page signature, does not build.
 */
export const LAB_METHODS: { readonly [K in MethodName]: MethodSpec<KindOf<K>> } = {
  init: { kind: 'request', transfer: false },
  modelInfo: { kind: 'request', transfer: false },
  startTraining: { kind: 'request', transfer: false },
  pauseTraining: { kind: 'request', transfer: false },
  resumeTraining: { kind: 'request', transfer: false },
  resetTraining: { kind: 'request', transfer: false },
  trainProgress: { kind: 'request', transfer: false },
  sample: { kind: 'stream', transfer: true },
  classify: { kind: 'request', transfer: true },
  saveCheckpoint: { kind: 'request', transfer: true },
  loadCheckpoint: { kind: 'request', transfer: false },
  numTensors: { kind: 'request', transfer: false },
  memory: { kind: 'request', transfer: false },
  // Editing (host-editing.ts).
  inpaint: { kind: 'stream', transfer: true },
  sdedit: { kind: 'stream', transfer: true },
  // Latent diffusion (host-latent.ts).
  latentInfo: { kind: 'request', transfer: false },
  latentReconstruct: { kind: 'request', transfer: true },
  latentSample: { kind: 'request', transfer: true },
};

/** Whether `name` is a request of the table (a message from elsewhere may name anything). */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(LAB_METHODS, name);
}

/** What crosses to the worker: the page's arguments, less a stream's options (callbacks and signals do not clone). */
export type WireArgs<K extends MethodName> = KindOf<K> extends 'stream' ? [request: Parameters<LabMethods[K]>[0]] : Parameters<LabMethods[K]>;

/** What the reply to request K carries. */
export type LabResult<K extends MethodName> = Awaited<ReturnType<LabMethods[K]>>;

/** What the worker hands a streamed request's implementation: its cancellation and where its steps go. */
export interface StreamJob {
  /** Aborted when the page cancels the request. */
  readonly signal: AbortSignal;
  /** Sends one recorded step to the page (its arrays are transferred: pass copies). */
  step(step: SampleStep): void;
}

/** A host method's arguments: the wire arguments, and a StreamJob last for a streamed request. */
export type HostArgs<K extends MethodName> = KindOf<K> extends 'stream' ? [...WireArgs<K>, StreamJob] : WireArgs<K>;

/** The worker's side of the table: one method per request, by the same name (LabHost). */
export type LabHostMethods = {
  [K in MethodName]: (...args: HostArgs<K>) => LabResult<K> | Promise<LabResult<K>>;
};

export type RequestMessage = {
  [K in MethodName]: { type: 'request'; id: number; method: K; args: WireArgs<K> };
}[MethodName];

/** Stops the streamed request `id`. */
export interface CancelMessage {
  type: 'cancel';
  id: number;
}

export type ToWorker = RequestMessage | CancelMessage;

/** An error as it crosses the boundary: the page rebuilds an Error with the same name and message. */
export interface SerializedError {
  name: string;
  message: string;
}

export type ReplyMessage =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: SerializedError };

export type EventMessage = {
  [K in keyof LabEvents]: { type: 'event'; event: K; detail: LabEvents[K] };
}[keyof LabEvents];

/** One recorded step of the streamed request `id`. */
export interface StepMessage {
  type: 'sample-step';
  id: number;
  step: SampleStep;
}

export type FromWorker = ReplyMessage | EventMessage | StepMessage;

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error || error instanceof DOMException) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The Error a page sees for a worker error: same name and message (AbortError as a DOMException, as fetch does). */
export function deserializeError(error: SerializedError): Error {
  if (error.name === 'AbortError') return new DOMException(error.message, 'AbortError');
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}

/** The ArrayBuffers inside a value worth transferring instead of copying. */
export function transferablesOf(value: unknown, out: Transferable[] = [], depth = 0): Transferable[] {
  if (value === null || typeof value !== 'object' || depth > 3) return out;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !out.includes(value.buffer)) out.push(value.buffer);
    return out;
  }
  if (value instanceof ArrayBuffer) {
    if (!out.includes(value)) out.push(value);
    return out;
  }
  if (typeof Blob !== 'undefined' && value instanceof Blob) return out;
  for (const v of Object.values(value as Record<string, unknown>)) transferablesOf(v, out, depth + 1);
  return out;
}
