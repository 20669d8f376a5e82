/**
 * Messages between the page (lab-client.ts) and the lab worker (lab-worker.ts). Every request
 * carries an id; the worker answers each with exactly one reply. Events and sampling steps flow
 * from the worker unasked. Plain data only (structured clone); large arrays are transferred.
 */
import type {
  CheckpointSummary,
  Classification,
  LabEvents,
  LabOptions,
  LabStatus,
  ModelInfo,
  ModelSource,
  SampleRequest,
  SampleResult,
  SampleStep,
  TrainProgress,
  TrainSettings,
} from '../lab-api';

/** Options as the worker receives them: URLs already resolved against the page. */
export interface WorkerInit {
  backend: NonNullable<LabOptions['backend']>;
  assetsBase: string;
  wasmBase?: string;
}

/** Request name → [argument, result]. */
export interface LabMethods {
  init: [WorkerInit, LabStatus];
  modelInfo: [ModelSource, ModelInfo];
  startTraining: [TrainSettings, void];
  pauseTraining: [null, void];
  resumeTraining: [null, void];
  resetTraining: [null, void];
  trainProgress: [null, TrainProgress | null];
  sample: [SampleRequest, SampleResult];
  classify: [{ images: Float32Array; count: number }, Classification];
  saveCheckpoint: ['download' | 'indexeddb', { json: string; weights: ArrayBuffer } | CheckpointSummary];
  loadCheckpoint: [{ files: File[] } | { url: string } | 'indexeddb', CheckpointSummary];
  numTensors: [null, number];
  // Editing (host-editing.ts): inpainting and SDEdit; their steps arrive as 'sample-step' messages.
  inpaint: [import('../lab-api').InpaintRequest, import('../lab-api').EditResult];
  sdedit: [import('../lab-api').SdeditRequest, import('../lab-api').EditResult];
  // Latent diffusion (host-latent.ts).
  latentInfo: [import('../../latent/latent-api').LatentModelName, import('../../latent/latent-api').LatentInfo];
  latentReconstruct: [import('../../latent/latent-api').LatentReconstructRequest, import('../../latent/latent-api').LatentReconstruction];
  latentSample: [import('../../latent/latent-api').LatentSampleRequest, import('../../latent/latent-api').LatentSampleResult];
}

export type MethodName = keyof LabMethods;

export type RequestMessage = {
  [K in MethodName]: { type: 'request'; id: number; method: K; arg: LabMethods[K][0] };
}[MethodName];

/** Stops the sampling job started by request `id`. */
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

/** One recorded sampling step of request `id`. */
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
