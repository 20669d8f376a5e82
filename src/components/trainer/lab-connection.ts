/**
 * How a widget reaches the page's lab (src/lab/browser/lab-client.ts): the parsers of the `backend`
 * and `assets-base` attributes every lab widget shares (their rows are backendSetting and
 * labAssetsBaseSetting in ../base/settings-table.ts), the one shared Lab per page, and readable
 * lines for the backend in use and for the lab's errors. No tfjs here: the lab's worker loads it.
 */
import type { BackendPreference } from '../../backend/names';
import { getLab } from '../../lab/browser/lab-client';
import type { Lab, LabStatus } from '../../lab/lab-api';
import type { ParseResult, RawAttr } from '../base/attributes';
import { backendSetting, parseLabAssetsBase } from '../base/settings-table';
import { SHIPPED_CHECKPOINT_DIR } from '../../lab/asset-folders';

/** Where the shipped checkpoint lives inside the assets folder, as the lab worker reads it. */
export { SHIPPED_CHECKPOINT_DIR };

/** `backend`: "auto" (the default) lets the lab choose by timing a training step on each backend. */
export const parseBackend = (raw: RawAttr): ParseResult<BackendPreference> => backendSetting().parse(raw);

/** `assets-base`: a folder URL (relative to the page), or null for the lab's default (the site's assets/). */
export const parseAssetsBase = parseLabAssetsBase;

/**
 * The page's lab. Defaults pass no options, so a widget joins a lab that the page (or another
 * widget) already started whatever its settings; explicit settings are handed on, and the lab
 * keeps the first caller's (with a console warning when they differ).
 */
export function connectLab(backend: BackendPreference, assetsBase: string | null, workers: number | 'auto' = 'auto'): Lab {
  if (backend === 'auto' && assetsBase === null && workers === 'auto') return getLab();
  return getLab({ backend, ...(assetsBase === null ? {} : { assetsBase }), ...(workers === 'auto' ? {} : { workers }) });
}

/** The assets folder as an absolute URL (ending in '/'): the attribute's, or the site's. */
export function assetsFolderUrl(assetsBase: string | null): string {
  const base = typeof document !== 'undefined' ? document.baseURI : 'http://localhost/';
  return new URL(assetsBase ?? `${import.meta.env.BASE_URL}assets/`, base).href;
}

/** URL of the shipped checkpoint's folder. */
export function shippedCheckpointUrl(assetsBase: string | null): string {
  return new URL(SHIPPED_CHECKPOINT_DIR, assetsFolderUrl(assetsBase)).href;
}

export interface BackendDescription {
  /** One short line: "wasm as requested", "wasm chosen". */
  summary: string;
  /** Why the backends before it were not used, or why the widget's request was not followed ('' when nothing to add). */
  details: string;
  /** The timed training steps behind an 'auto' choice, one line ('' when the backend was named). */
  figures: string;
}

/** The lab's reason for its backend, split into a short line and the details behind it. */
export function describeBackend(status: LabStatus, requested: BackendPreference): BackendDescription {
  const open = status.reason.indexOf(' (');
  const summary = open > 0 && status.reason.endsWith(')') ? status.reason.slice(0, open) : status.reason;
  const notes: string[] = [];
  const failed = status.tried.filter((t) => !t.ok);
  if (failed.length) notes.push(`Not used: ${failed.map((t) => `${t.name}, ${t.reason ?? 'it did not start'}`).join('; ')}.`);
  if (requested !== 'auto' && requested !== status.backend && !failed.some((t) => t.name === requested)) {
    notes.push(`This widget asked for ${requested}, but the page's lab had already started on ${status.backend}: every widget on a page shares one lab.`);
  }
  const choice = status.choice;
  const figures = choice ? `${choice.remembered ? 'Measured here before' : 'Timed training step'}: ${choice.summary}` : '';
  return { summary, details: notes.join(' '), figures };
}

/** An error as one sentence for the widget: capitalised, ending in a full stop. */
export function errorSentence(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).trim();
  if (!text) return 'Something went wrong in the lab.';
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** Whether an error is a cancelled request (an aborted sampling run), which is no failure. */
export function isAbortError(error: unknown): boolean {
  return (error instanceof Error || error instanceof DOMException) && error.name === 'AbortError';
}
