/**
 * Whether to suggest the shipped model instead of training here. Training runs on whatever the
 * lab could start: on a phone or a 2-core laptop without a usable GPU backend it is slow, and the
 * reader should hear that before waiting. The advice is a suggestion; training stays available.
 */
import type { BackendName } from '../../backend/names';

/** Viewports at most this wide (CSS pixels) are treated as phones. */
export const PHONE_WIDTH = 600;

export interface DeviceFacts {
  /** navigator.hardwareConcurrency (undefined where the browser hides it). */
  cores: number | undefined;
  /** window.innerWidth. */
  viewportWidth: number;
  /** The backend the lab runs on, or null before it has started. */
  backend: BackendName | null;
}

/** A sentence advising the shipped model, or null when this device should train well enough. */
export function slowDeviceAdvice(facts: DeviceFacts): string | null {
  if (facts.backend === null || facts.backend === 'webgpu' || facts.backend === 'webgl') return null;
  const phone = facts.viewportWidth > 0 && facts.viewportWidth <= PHONE_WIDTH;
  const fewCores = facts.cores !== undefined && facts.cores <= 2;
  if (!phone && !fewCores) return null;
  const what = phone ? 'a phone-sized screen' : `${facts.cores} processor core${facts.cores === 1 ? '' : 's'}`;
  return (
    `This device trains slowly (${what}, no graphics-card backend: the lab runs on ${facts.backend}). ` +
    'A few hundred steps of the live preset still show the loss fall and digits appear; ' +
    'for the best samples, load the shipped model, which was trained ahead of time.'
  );
}
