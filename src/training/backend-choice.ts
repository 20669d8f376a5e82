/**
 * The "auto" backend of a training run, chosen by measurement: each usable backend times a real
 * training step (step-probe.ts), and the fastest wins. WebGPU on a software adapter (SwiftShader)
 * or a GPU that needs ~1,000 small kernels per step loses to WebAssembly on its figures, not its
 * name. The choice and the figures behind it are kept per device, so later visits start at once.
 *
 * Plain data: no tensors, no DOM.
 */
import { isBackendName, type BackendName } from '../backend/names';

/** One candidate's figure: a backend with a number of workers, and its time per step. */
export interface StepTiming {
  backend: BackendName;
  workers: number;
  /** The quickest timed step after a warm-up step, in ms; null when no step finished in time. */
  msPerStep: number | null;
  /** Why there is no figure, when there is none ("no step within 2 s", "it did not start: …"). */
  note?: string;
}

export interface BackendChoice {
  backend: BackendName;
  workers: number;
  timings: StepTiming[];
  /** "webgpu 310 ms/step · wasm ×2 workers 95 ms/step → wasm ×2 workers". */
  summary: string;
  /** Which device the figures were measured on (see deviceKey). */
  device: string;
  /** When, as ms since the epoch. */
  measuredAt: number;
}

/** How long the figures stay trusted: browsers and drivers update. */
export const CHOICE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

function label(t: Pick<StepTiming, 'backend' | 'workers'>): string {
  return t.workers > 1 ? `${t.backend} ×${t.workers} workers` : t.backend;
}

/** The fastest candidate with a figure; on a tie, the fewer workers (less memory). Null when none has a figure. */
export function pickFastest(timings: readonly StepTiming[]): StepTiming | null {
  let best: StepTiming | null = null;
  for (const t of timings) {
    if (t.msPerStep === null || !Number.isFinite(t.msPerStep)) continue;
    if (!best || t.msPerStep < best.msPerStep! || (t.msPerStep === best.msPerStep && t.workers < best.workers)) best = t;
  }
  return best;
}

/** The figures and the winner in one line, in the order they were measured. */
export function describeChoice(timings: readonly StepTiming[], chosen: Pick<StepTiming, 'backend' | 'workers'>): string {
  const figures = timings.map((t) => `${label(t)} ${t.msPerStep === null ? `(${t.note ?? 'no figure'})` : `${Math.round(t.msPerStep)} ms/step`}`);
  return `${figures.join(' · ')} → ${label(chosen)}`;
}

/** The choice from a set of figures; `fallback` (with a note saying so) when no candidate finished a step. */
export function chooseBackend(timings: readonly StepTiming[], device: string, fallback: BackendName, now = Date.now()): BackendChoice {
  const best = pickFastest(timings);
  const chosen = best ?? { backend: fallback, workers: 1 };
  const summary = best ? describeChoice(timings, chosen) : `${describeChoice(timings, chosen)} (no backend finished a step in time)`;
  return { backend: chosen.backend, workers: chosen.workers, timings: [...timings], summary, device, measuredAt: now };
}

/**
 * A remembered choice, if it is well formed, was measured on this device and is recent; null
 * otherwise (the caller then measures again). `stored` is whatever storage gave back.
 */
export function rememberedChoice(stored: unknown, device: string, now = Date.now()): BackendChoice | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const c = stored as Partial<BackendChoice>;
  if (c.device !== device || !isBackendName(c.backend) || typeof c.summary !== 'string') return null;
  if (!(Number.isInteger(c.workers) && c.workers! >= 1 && c.workers! <= 64)) return null;
  if (typeof c.measuredAt !== 'number' || !(now - c.measuredAt >= 0 && now - c.measuredAt < CHOICE_MAX_AGE_MS)) return null;
  if (!Array.isArray(c.timings)) return null;
  return c as BackendChoice;
}

/** A device's identity for the remembered choice: browser, cores and GPU adapter, joined. */
export function deviceKey(parts: { userAgent?: string; cores?: number; gpu?: string | null }): string {
  return [parts.userAgent ?? 'unknown browser', `${parts.cores ?? 1} cores`, parts.gpu ? `gpu ${parts.gpu}` : 'no gpu'].join(' | ');
}
