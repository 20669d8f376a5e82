/**
 * Screenshots of the site's pages and of every widget on them, so that a change meant to leave the
 * look alone (a refactoring, a redesign of the code) can be checked widget by widget with
 * scripts/compare-screenshots.ts.
 *
 *   npx tsx scripts/screenshot-pages.ts OUT_DIR [--width 1280] [--pages all|landing,demo,lesson-3,...]
 *
 * Serves the site with the end-to-end harness's Vite server and opens each page in a fresh headless
 * Chromium (test/e2e/harness.ts), in light colours and with reduced motion. It waits until every
 * `diffusion-*` widget is defined, has drawn its shadow root, has reached its ready state (MNIST
 * digits loaded, model found, lab connected) and has stopped changing, without pressing anything:
 * nothing trains or samples. Then it writes OUT_DIR/<page>.png (the full page) and one
 * OUT_DIR/<page>--<widget id or tag>-<n>.png per widget, n being its position on the page, and
 * prints a JSON summary. Exit code 1 when a widget never became ready or a page logged errors
 * (the screenshots are written anyway).
 */
import { realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { lessonHref, lessons } from '../src/site/catalogue';
import { collectConsoleErrors, launchBrowser, repoRoot, startServer, type RunningServer } from '../test/e2e/harness';

interface SitePage {
  /** File-name prefix and the name --pages accepts: landing, demo, lesson-<number>. */
  name: string;
  /** Path below the site root. */
  path: string;
}

const SITE_PAGES: readonly SitePage[] = [
  { name: 'landing', path: 'index.html' },
  { name: 'demo', path: 'demo/index.html' },
  ...lessons.filter((lesson) => lesson.status === 'ready').map((lesson) => ({ name: `lesson-${lesson.number}`, path: lessonHref(lesson) })),
];

const VIEWPORT_HEIGHT = 800;
/** Longest wait for one page's widgets: the lab's first start (tfjs and its backend) is slow on a busy CPU. */
const READY_TIMEOUT_MS = 240_000;
/** A widget counts as settled once its shadow DOM and canvases have not changed for this long. */
const QUIET_MS = 1_500;
const POLL_MS = 250;

/**
 * Runs in every page before its own scripts (plain JavaScript, so nothing the TypeScript compiler
 * adds can break it there). It remembers which widgets announced `diffusion-ready` (events bubble
 * and are composed, so the window sees them all) and defines the page-side checks:
 * `__screenshots.pending()` lists the widgets not ready yet, `__screenshots.fingerprint()` sums up
 * what every widget shows now.
 */
const PAGE_HELPERS = String.raw`
(() => {
  const announcedReady = new WeakSet();
  window.addEventListener('diffusion-ready', (event) => announcedReady.add(event.target), true);
  const shadowText = (element, selector) => element.shadowRoot.querySelector(selector)?.textContent ?? '';
  const has = (element, selector) => !!element.shadowRoot.querySelector(selector);
  // What "ready" means per widget: the state a reader sees once loading is over, before pressing
  // anything. The conditions follow the widgets' end-to-end tests.
  const readyChecks = {
    'diffusion-forward': (e) => announcedReady.has(e),
    'diffusion-schedule': (e) => announcedReady.has(e),
    'diffusion-inpaint': (e) => announcedReady.has(e) && has(e, '.model-line') && !/looking for/.test(shadowText(e, '[part~="model"]')) && has(e, '.backend'),
    'diffusion-score-field': (e) => announcedReady.has(e),
    'diffusion-trainer': (e) => e.backendStatus != null,
    'diffusion-sampler': (e) => has(e, '.model-line') && !/looking for/.test(shadowText(e, '[part~="model"]')),
    'diffusion-latent': (e) => has(e, 'tr[data-row="flops-step"]') && /Mean squared error/.test(shadowText(e, '.recon-line')),
    'diffusion-bias': (e) => has(e, '[part~="chart"]'),
    'diffusion-vs-gan': (e) => has(e, 'button.train'),
  };
  const widgets = () => [...document.querySelectorAll('*')].filter((element) => element.localName.startsWith('diffusion-'));
  const drawn = (element) =>
    !!customElements.get(element.localName) && !!element.shadowRoot && element.shadowRoot.childElementCount > 0 && element.getBoundingClientRect().height > 100;
  const label = (element) => element.localName + (element.id ? '#' + element.id : '');
  window.__screenshots = {
    widgets: () => widgets().map((element) => ({ tag: element.localName, id: element.id })),
    pending: () =>
      widgets()
        .filter((element) => !drawn(element) || !(readyChecks[element.localName]?.(element) ?? true))
        .map(label),
    fingerprint: () =>
      widgets()
        .map((element) => {
          const root = element.shadowRoot;
          if (!root) return label(element) + ':no shadow root';
          const canvases = [...root.querySelectorAll('canvas')].map((canvas) => {
            try {
              return canvas.width + 'x' + canvas.height + ':' + canvas.toDataURL();
            } catch {
              return 'unreadable';
            }
          });
          const images = [...root.querySelectorAll('img')].map((img) => img.complete + ':' + img.naturalWidth);
          const box = element.getBoundingClientRect();
          return [label(element), box.width, box.height, root.innerHTML, ...canvases, ...images].join('|');
        })
        .join('\n'),
  };
})();
`;

/**
 * Where node_modules really is, when it is a link out of the repository (several checkouts sharing one
 * install). Vite then asks for files such as KaTeX's fonts by their real path (/@fs/…) and refuses
 * them as outside its allowed folders, so the maths would be drawn in fallback fonts; the browser
 * gets the refused files from disk instead (what Vite does serve, such as its client, is kept).
 * Vite still logs each refusal on stderr.
 */
function linkedNodeModules(): string | null {
  const real = realpathSync(join(repoRoot, 'node_modules'));
  const inside = relative(repoRoot, real);
  return inside.startsWith('..') ? real : null;
}

async function serveLinkedNodeModules(page: Page): Promise<void> {
  const real = linkedNodeModules();
  if (!real) return;
  const prefix = `/@fs${real.split(sep).join('/')}/`;
  await page.route(
    (url) => url.pathname.startsWith(prefix),
    async (route) => {
      const response = await route.fetch();
      if (response.status() !== 403) return route.fulfill({ response });
      return route.fulfill({ path: decodeURIComponent(new URL(route.request().url()).pathname.slice('/@fs'.length)) });
    },
  );
}

declare global {
  interface Window {
    __screenshots: {
      widgets(): { tag: string; id: string }[];
      pending(): string[];
      fingerprint(): string;
    };
  }
}

interface Options {
  outDir: string;
  width: number;
  pages: readonly SitePage[];
}

function parseArgs(argv: readonly string[]): Options {
  let outDir: string | null = null;
  let width = 1280;
  let names = 'all';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--width') width = Number(argv[++i]);
    else if (arg === '--pages') names = argv[++i] ?? '';
    else if (arg === '--help' || arg === '-h') usage(0);
    else if (arg.startsWith('--')) usage(1, `unknown option ${arg}`);
    else if (outDir === null) outDir = resolve(arg);
    else usage(1, `unexpected argument ${arg}`);
  }
  if (outDir === null) usage(1, 'OUT_DIR is missing');
  if (!Number.isInteger(width) || width < 200 || width > 4000) usage(1, 'width must be a whole number of pixels, 200…4000');
  if (names === 'all') return { outDir, width, pages: SITE_PAGES };
  const pages = names.split(',').map((name) => {
    const page = SITE_PAGES.find((p) => p.name === name.trim());
    if (!page) usage(1, `unknown page "${name}"; pages are ${SITE_PAGES.map((p) => p.name).join(', ')}`);
    return page;
  });
  return { outDir, width, pages };
}

function usage(code: number, problem?: string): never {
  if (problem) console.error(problem);
  console.error('usage: npx tsx scripts/screenshot-pages.ts OUT_DIR [--width 1280] [--pages all|landing,demo,lesson-3,...]');
  process.exit(code);
}

/** Waits until no widget is pending and nothing any widget shows has changed for QUIET_MS. Returns the widgets still pending at the deadline. */
async function waitUntilSettled(page: Page): Promise<string[]> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  let quietSince = Date.now();
  for (;;) {
    const pending = await page.evaluate(() => window.__screenshots.pending());
    const fingerprint = await page.evaluate(() => window.__screenshots.fingerprint());
    if (fingerprint !== last) {
      last = fingerprint;
      quietSince = Date.now();
    }
    if (pending.length === 0 && Date.now() - quietSince >= QUIET_MS) return [];
    if (Date.now() > deadline) return pending.length > 0 ? pending : ['(still changing)'];
    await page.waitForTimeout(POLL_MS);
  }
}

interface PageReport {
  page: string;
  url: string;
  widgets: string[];
  files: string[];
  seconds: number;
  notReady: string[];
  errors: string[];
}

async function shootPage(server: RunningServer, site: SitePage, options: Options): Promise<PageReport> {
  const started = performance.now();
  // A fresh browser per page: every page is seen as on a first visit, with no progress remembered.
  const browser = await launchBrowser({ viewport: { width: options.width, height: VIEWPORT_HEIGHT } });
  try {
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
    await page.addInitScript({ content: PAGE_HELPERS });
    await serveLinkedNodeModules(page);
    const url = server.url + site.path;
    await page.goto(url, { waitUntil: 'load' });
    const notReady = await waitUntilSettled(page);
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => document.fonts.ready);
    await page.evaluate(() => window.scrollTo(0, 0));

    const files: string[] = [];
    const fullPage = resolve(options.outDir, `${site.name}.png`);
    await page.screenshot({ path: fullPage, fullPage: true, animations: 'disabled', caret: 'hide' });
    files.push(fullPage);
    // The full-page shot stretches the viewport for a moment, and charts that follow their size
    // may draw again: let them settle before the widgets' own shots.
    notReady.push(...(await waitUntilSettled(page)));

    const widgets = await page.evaluate(() => window.__screenshots.widgets());
    const seenPerTag = new Map<string, number>();
    const names: string[] = [];
    for (const [index, widget] of widgets.entries()) {
      const nth = seenPerTag.get(widget.tag) ?? 0;
      seenPerTag.set(widget.tag, nth + 1);
      const name = `${site.name}--${widget.id || widget.tag}-${index + 1}`;
      const file = resolve(options.outDir, `${name}.png`);
      await page.locator(widget.tag).nth(nth).screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      files.push(file);
      names.push(name);
    }
    return { page: site.name, url: site.path, widgets: names, files, seconds: (performance.now() - started) / 1000, notReady, errors: [...errors] };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  await mkdir(options.outDir, { recursive: true });
  const started = performance.now();
  const server = await startServer();
  const reports: PageReport[] = [];
  try {
    for (const site of options.pages) {
      const report = await shootPage(server, site, options);
      console.error(`${site.name}: ${report.widgets.length} widgets, ${report.seconds.toFixed(1)} s${report.notReady.length ? `, not ready: ${report.notReady.join(', ')}` : ''}`);
      reports.push(report);
    }
  } finally {
    await server.close();
  }
  const summary = {
    outDir: options.outDir,
    width: options.width,
    pages: reports.length,
    widgets: reports.reduce((sum, r) => sum + r.widgets.length, 0),
    files: reports.reduce((sum, r) => sum + r.files.length, 0),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    perPage: reports.map(({ page, url, widgets, seconds, notReady, errors }) => ({ page, url, widgets, seconds: Math.round(seconds * 10) / 10, notReady, errors })),
  };
  console.log(JSON.stringify(summary, null, 2));
  if (reports.some((r) => r.notReady.length > 0 || r.errors.length > 0)) process.exitCode = 1;
}

await main();
