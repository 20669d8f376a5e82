/**
 * Shared by the widget-bundle tests (embed*.test.ts, csp*.test.ts, cross-origin.test.ts,
 * package.test.ts): builds the bundle into a temporary folder once per change of its sources
 * (build-cache.ts), serves it with examples/ from a plain static server (examples/serve.ts, no
 * Vite), records the widgets' events in every frame, and drives the widgets of one frame.
 */
import { join } from 'node:path';
import type { BrowserContext, Frame } from 'playwright-core';
import { expect } from 'vitest';
import { startStaticServer, type StaticServer } from '../../examples/serve';
import { buildWidgetBundle, measureBundle, type FileSize } from '../../src/site/build/widget-bundle';
import { keptBuild } from './build-cache';
import { repoRoot } from './harness';

export const WIDGET_TAGS = ['diffusion-forward', 'diffusion-schedule', 'diffusion-trainer', 'diffusion-sampler'] as const;

export interface BuiltKit {
  /** The bundle folder (what dist/widgets/ holds after `npm run build`). */
  dir: string;
  sizes: FileSize[];
  /** Whether this call built it (false: an earlier test file's build of the same sources). */
  built: boolean;
}

/** What the bundle is built from: the files under src/ and assets/, its config, the package files and how it is kept. */
const KIT_INPUTS = ['src', 'assets', 'vite.bundle.config.ts', 'package.json', 'package-lock.json', 'test/e2e/build-cache.ts'];

/**
 * The widget bundle built with vite.bundle.config.ts (about a minute here) into a temporary
 * folder, kept for the other test files of a run (embed, csp, cross-origin, package) by
 * build-cache.ts.
 */
export async function buildKit(): Promise<BuiltKit> {
  let sizes: FileSize[] | null = null;
  const { root, built } = await keptBuild('kit', KIT_INPUTS, async (folder) => {
    sizes = await buildWidgetBundle(repoRoot, join(folder, 'widgets'));
  });
  const dir = join(root, 'widgets');
  return { dir, sizes: sizes ?? (await measureBundle(dir)), built };
}

/** Serves examples/ at /examples/ and the built bundle at /dist/widgets/, as after `npm run build`. */
export function serveKit(kit: BuiltKit, csp?: string): Promise<StaticServer> {
  return startStaticServer({ mounts: { '/examples/': join(repoRoot, 'examples'), '/dist/widgets/': kit.dir }, csp });
}

interface RecordedEvent {
  type: string;
  detail: unknown;
}
type EventWindow = Window & { widgetEvents: RecordedEvent[]; cspViolations: string[] };
declare const window: EventWindow;

/**
 * Records, in every frame of every page of `context`, the widgets' events and any CSP violation.
 * Playwright's init scripts are not page scripts, so a page's CSP does not apply to them.
 */
export async function recordEvents(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as EventWindow;
    w.widgetEvents = [];
    w.cspViolations = [];
    for (const type of ['diffusion-ready', 'diffusion-sampled', 'diffusion-error', 'diffusion-progress', 'score-field-trained']) {
      document.addEventListener(type, (event) => w.widgetEvents.push({ type, detail: (event as CustomEvent).detail }));
    }
    document.addEventListener('securitypolicyviolation', (e) => {
      w.cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

/** Every widget of the frame is defined, upgraded and has drawn its shadow DOM; forward and schedule have their digits. */
export async function expectWidgetsRendered(frame: Frame): Promise<void> {
  await frame.waitForFunction(
    (tags) => tags.every((tag) => !!customElements.get(tag) && (document.querySelector(tag)?.shadowRoot?.childElementCount ?? 0) > 0),
    [...WIDGET_TAGS],
    { timeout: 60_000 },
  );
  // The two MNIST widgets each report their digits (one shared download).
  await frame.waitForFunction(() => window.widgetEvents.filter((e) => e.type === 'diffusion-ready').length >= 2, null, { timeout: 60_000 });
  const state = await frame.evaluate((tags) => {
    return tags.map((tag) => {
      const el = document.querySelector(tag)!;
      return { tag, upgraded: el instanceof customElements.get(tag)!, text: (el.shadowRoot!.textContent ?? '').trim().length > 0 };
    });
  }, [...WIDGET_TAGS]);
  expect(state).toEqual(WIDGET_TAGS.map((tag) => ({ tag, upgraded: true, text: true })));
  expect(await frame.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-error'))).toEqual([]);
}

/**
 * Samples one small panel (DDIM, 4 steps, 2 images) from the shipped checkpoint with the
 * sampler of `frame`, and returns the number of distinct grey levels drawn in its grid.
 */
export async function sampleShipped(frame: Frame): Promise<{ detail: Record<string, unknown>; greys: number }> {
  const sampler = frame.locator('diffusion-sampler');
  await sampler.evaluate(async (el: Element & { updateComplete?: Promise<unknown> }) => {
    el.setAttribute('panels', 'ddim:4:eta=0');
    el.setAttribute('count', '2');
    await el.updateComplete;
  });
  // The button is enabled once the lab has answered which model it would use.
  await frame.waitForFunction(() => /shipped small U-Net/.test(document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('.model-line')?.textContent ?? ''), null, {
    timeout: 120_000,
  });
  await frame.locator('diffusion-sampler button.sample-all').click();
  await frame.waitForFunction(() => window.widgetEvents.some((e) => e.type === 'diffusion-sampled' || e.type === 'diffusion-error'), null, { timeout: 120_000 });
  expect(await frame.evaluate(() => window.widgetEvents.filter((e) => e.type === 'diffusion-error'))).toEqual([]);
  const detail = (await frame.evaluate(() => window.widgetEvents.find((e) => e.type === 'diffusion-sampled')!.detail)) as Record<string, unknown>;
  const greys = await frame.evaluate(() => {
    const canvas = document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.grid[data-panel="0"]')!;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const levels = new Set<number>();
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0) levels.add(data[i]);
    return levels.size;
  });
  return { detail, greys };
}

/** The lab backend the sampler reports, e.g. "Backend: wasm · wasm as requested". */
export function backendLine(frame: Frame): Promise<string> {
  return frame.evaluate(() => (document.querySelector('diffusion-sampler')!.shadowRoot!.querySelector('[part~="model"] .backend')?.textContent ?? '').replace(/\s+/g, ' ').trim());
}

/** CSP violations the frame has seen. */
export function cspViolations(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => window.cspViolations);
}
