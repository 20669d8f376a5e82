/**
 * The lab worker's editing requests, `inpaint` and `sdedit` (protocol.ts): checks what the page
 * sent, picks the shipped or the page's trained model as `sample` does, runs the host-neutral
 * loops of src/diffusion/pipelines/editing.ts on it, and reports each recorded step and the wall
 * time. LabHost hands in its model access; the worker's dispatch hands in the request's StreamJob
 * (its cancellation and where its steps go).
 */
import type { UNet } from '../../model/unet';
import { downMoves, repaintMoves, MAX_REPAINT_DOWN_MOVES } from '../../diffusion/pipelines/editing-schedule';
import { inpaint, sdedit, INPAINT_METHODS, REPAINT_DEFAULTS, type EditingResult } from '../../diffusion/pipelines/editing';
import type { EditResult, InpaintRequest, ModelSource, SdeditRequest } from '../lab-api';
import { schedulerFor, type SamplingStep } from '../../diffusion/pipelines/sampling';
import type { SharedModel } from './model-lease';
import type { StreamJob } from './protocol';

/** Most results one editing request may ask for. */
export const MAX_EDIT_COUNT = 64;

export interface EditingModel {
  model: SharedModel<UNet>;
  /** The scheduler settings the model was trained with. */
  scheduler: Record<string, unknown>;
}

/** What the editing requests need of the LabHost. */
export interface EditingHost {
  /** Resolves once the backend has started (rejects with the reason when it has not). */
  started(): Promise<unknown>;
  /** Whether a model has been trained (or loaded) on this page: the default source then. */
  hasTrained(): boolean;
  /** The page's trained model (throws when there is none). */
  trained(): EditingModel;
  shipped(): Promise<EditingModel>;
  yieldToEventLoop(): Promise<void>;
}

function checkCommon(request: InpaintRequest | SdeditRequest): void {
  if (request === null || typeof request !== 'object') throw new TypeError('an editing request must be an object');
  const { sampler, count, seed, image, label } = request;
  if (sampler !== 'ddpm' && sampler !== 'ddim') throw new RangeError(`sampler must be "ddpm" or "ddim", got ${JSON.stringify(sampler)}`);
  if (!Number.isInteger(count) || count < 1 || count > MAX_EDIT_COUNT) {
    throw new RangeError(`count must be a whole number from 1 to ${MAX_EDIT_COUNT}, got ${JSON.stringify(count)}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number, got ${JSON.stringify(seed)}`);
  if (!(image instanceof Float32Array)) throw new TypeError('image must be a Float32Array of 28×28 values in [-1, 1]');
  if (label !== undefined && label !== null && typeof label !== 'number') {
    throw new RangeError(`label must be a digit 0–9 or null, got ${JSON.stringify(label)}`);
  }
}

async function modelFor(host: EditingHost, source: ModelSource | undefined): Promise<EditingModel> {
  await host.started();
  const chosen = source ?? (host.hasTrained() ? 'trained' : 'shipped');
  if (chosen === 'trained') return host.trained();
  if (chosen === 'shipped') return host.shipped();
  throw new RangeError(`unknown model source "${String(chosen)}"; allowed: shipped, trained`);
}

/** Runs one editing loop as the request's job, with its cancellation, step messages and timing. */
async function runJob(
  host: EditingHost,
  job: StreamJob,
  model: EditingModel,
  recordSteps: boolean | undefined,
  run: (extras: { signal: AbortSignal; yieldToEventLoop: () => Promise<void>; onStep?: (s: SamplingStep) => void }) => (model: UNet) => Promise<EditingResult>,
): Promise<EditResult> {
  const started = performance.now();
  const onStep = recordSteps
    ? (s: SamplingStep) => job.step({ index: s.index, total: s.total, timestep: s.timestep, xt: s.xt.slice(), x0: s.x0.slice() })
    : undefined;
  const out = await model.model.use(run({ signal: job.signal, yieldToEventLoop: () => host.yieldToEventLoop(), onStep }));
  // Copies: on the cpu backend data() hands out the tensor's own array, which must not be transferred.
  return {
    images: out.images.slice(),
    count: out.count,
    steps: out.steps,
    nfe: out.nfe,
    wallMs: performance.now() - started,
    startTimestep: out.startTimestep,
    xStart: out.xStart.slice(),
  };
}

export async function runInpaint(host: EditingHost, request: InpaintRequest, job: StreamJob): Promise<EditResult> {
  checkCommon(request);
  const { method, mask } = request;
  if (!(INPAINT_METHODS as readonly string[]).includes(method)) {
    throw new RangeError(`method must be ${INPAINT_METHODS.map((m) => `"${m}"`).join(' or ')}, got ${JSON.stringify(method)}`);
  }
  if (!(mask instanceof Float32Array)) throw new TypeError('mask must be a Float32Array of 28×28 values in [0, 1] (1 = fill in)');
  if (method === 'repaint') {
    const j = request.jumpLength ?? REPAINT_DEFAULTS.jumpLength;
    const r = request.resampleCount ?? REPAINT_DEFAULTS.resampleCount;
    // Only the size is checked here; src/diffusion/pipelines/editing.ts explains bad values.
    if (Number.isInteger(request.steps) && request.steps > 1 && Number.isInteger(j) && j >= 1 && j < request.steps && Number.isInteger(r) && r >= 1) {
      const work = downMoves(repaintMoves(request.steps, j, r));
      if (work > MAX_REPAINT_DOWN_MOVES) {
        throw new RangeError(`RePaint with ${request.steps} steps, j = ${j} and r = ${r} takes ${work} network steps; at most ${MAX_REPAINT_DOWN_MOVES} are allowed: use fewer steps or a smaller r`);
      }
    }
  }
  const model = await modelFor(host, request.source);
  return runJob(host, job, model, request.recordSteps, (extras) => (m) =>
    inpaint({
      model: m,
      scheduler: schedulerFor(request.sampler, model.scheduler),
      steps: request.steps,
      eta: request.eta ?? 0,
      guidance: request.guidance ?? 0,
      labels: request.label ?? null,
      image: request.image,
      mask,
      method,
      jumpLength: request.jumpLength,
      resampleCount: request.resampleCount,
      count: request.count,
      seed: request.seed,
      ...extras,
    }),
  );
}

export async function runSdedit(host: EditingHost, request: SdeditRequest, job: StreamJob): Promise<EditResult> {
  checkCommon(request);
  const model = await modelFor(host, request.source);
  return runJob(host, job, model, request.recordSteps, (extras) => (m) =>
    sdedit({
      model: m,
      scheduler: schedulerFor(request.sampler, model.scheduler),
      steps: request.steps,
      eta: request.eta ?? 0,
      guidance: request.guidance ?? 0,
      labels: request.label ?? null,
      image: request.image,
      strength: request.strength,
      count: request.count,
      seed: request.seed,
      ...extras,
    }),
  );
}
