/**
 * The production build of the lesson pages (site-fixture.ts): `vite build` renders every
 * lesson to static HTML, the first load of a lesson page is a few kilobytes of JavaScript with no
 * tfjs, Markdown or KaTeX code in it, and the built pages work in Chromium.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lessonSite, readLessonSources } from '../../src/site/build/lesson-source';
import { collectConsoleErrors, launchBrowser, repoRoot } from './harness';
import { buildSite } from './site-fixture';

const sources = readLessonSources(lessonSite(repoRoot));
const configFile = join(repoRoot, 'vite.config.ts');
/** Budget for the JavaScript a lesson page loads before any widget: measured about 5.3 kB. */
const FIRST_LOAD_JS_BUDGET_GZIP = 12_000;
/**
 * Budget for everything a lesson with code cells loads before the learner runs one: the page's
 * scripts, the notebook's chunk and the editor (CodeMirror), which comes when a cell is near the
 * screen. The kernel worker (tfjs) loads on the first run only.
 */
const NOTEBOOK_FIRST_LOAD_BUDGET_GZIP = 300_000;
/** Widgets that never load tfjs: a lesson with only these must not download it. */
const LIGHT_WIDGETS = new Set(['diffusion-forward', 'diffusion-schedule']);

/** The scripts a built page loads at once: module scripts and module preloads in its HTML. */
function firstLoadScripts(html: string): string[] {
  const scripts = [...html.matchAll(/<script type="module"[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]*\shref="([^"]+)"/g)].map((m) => m[1]);
  return [...new Set([...scripts, ...preloads])];
}

describe('lesson pages in a production build', () => {
  let outDir: string;
  let server: PreviewServer;
  let url: string;

  beforeAll(async () => {
    outDir = (await buildSite()).dir;
    server = await preview({
      root: repoRoot,
      configFile,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
    });
    const address = server.httpServer.address() as AddressInfo;
    url = `http://127.0.0.1:${address.port}/`;
    // Two builds when none is kept (the site, then the widget kit and sw.js): minutes on a busy two-core machine.
  }, 600_000);

  afterAll(async () => {
    await server?.close();
  });

  it('renders every lesson to a static page and writes nothing into lessons/', async () => {
    for (const source of sources) {
      const html = await readFile(join(outDir, 'lessons', `${source.meta.id}.html`), 'utf8');
      expect(html).toContain(`<h1>${source.meta.title}</h1>`);
      expect(html).toContain('class="katex"');
      expect(html).not.toContain('/src/site/lesson-page.ts');
      expect(existsSync(join(repoRoot, 'lessons', `${source.meta.id}.html`))).toBe(false);
    }
    expect(existsSync(join(outDir, 'index.html'))).toBe(true);
  });

  it('keeps the first load of a lesson page small and free of tfjs, Markdown and KaTeX code', async () => {
    for (const source of sources) {
      const html = await readFile(join(outDir, 'lessons', `${source.meta.id}.html`), 'utf8');
      const scripts = firstLoadScripts(html);
      expect(scripts.length).toBeGreaterThan(0);
      let gzipped = 0;
      for (const script of scripts) {
        const code = await readFile(join(outDir, script.replace(/^\//, '')), 'utf8');
        expect(code).not.toMatch(/@tensorflow|tfjs-core|katex\.renderToString|marked\.parse/);
        gzipped += gzipSync(code).length;
      }
      console.log(`first-load JS of lessons/${source.meta.id}.html: ${scripts.join(', ')} = ${gzipped} bytes gzipped`);
      expect(gzipped).toBeLessThan(FIRST_LOAD_JS_BUDGET_GZIP);
    }
  });

  it('keeps a lesson with code cells within its budget before the first run', async () => {
    const { readdir } = await import('node:fs/promises');
    const chunks = await readdir(join(outDir, 'static'));
    const chunkNamed = (prefix: string): string => {
      const name = chunks.find((file) => file.startsWith(`${prefix}-`) && file.endsWith('.js'));
      if (!name) throw new Error(`no ${prefix} chunk in the build`);
      return `static/${name}`;
    };
    /** A chunk and every chunk it imports statically. */
    const withImports = async (file: string, seen = new Set<string>()): Promise<Set<string>> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      const code = await readFile(join(outDir, file), 'utf8');
      for (const match of code.matchAll(/(?:import|from)\s*["']\.\/([\w.-]+\.js)["']/g)) await withImports(`static/${match[1]}`, seen);
      return seen;
    };
    const notebook = [...(await withImports(chunkNamed('notebook-page'))), ...(await withImports(chunkNamed('editor')))];
    for (const file of notebook) expect(await readFile(join(outDir, file), 'utf8')).not.toMatch(/tfjs-core|@tensorflow\/tfjs-backend/);
    for (const source of sources) {
      const html = await readFile(join(outDir, 'lessons', `${source.meta.id}.html`), 'utf8');
      if (!html.includes('class="nb-cell"')) continue;
      let gzipped = 0;
      for (const file of new Set([...firstLoadScripts(html).map((s) => s.replace(/^\//, '')), ...notebook])) gzipped += gzipSync(await readFile(join(outDir, file))).length;
      console.log(`lessons/${source.meta.id}.html with its cells' editor: ${gzipped} bytes gzipped`);
      expect(gzipped).toBeLessThan(NOTEBOOK_FIRST_LOAD_BUDGET_GZIP);
    }
  });

  it('serves working lesson pages whose widgets load from their own chunks', async () => {
    const browser = await launchBrowser();
    try {
      for (const source of sources) {
        const page = await browser.newPage();
        const errors = collectConsoleErrors(page);
        const requests: string[] = [];
        page.on('request', (request) => requests.push(request.url()));
        // A widget's banner (e.g. digits that could not load) fires diffusion-error; it writes no
        // console error, and a later update may hide it again, so every one is recorded here.
        await page.addInitScript(() => {
          const w = window as unknown as { widgetErrors: string[] };
          w.widgetErrors = [];
          document.addEventListener('diffusion-error', (e) => w.widgetErrors.push(JSON.stringify((e as CustomEvent).detail)));
        });
        await page.goto(`${url}lessons/${source.meta.id}.html?classroom=1&seed=3`, { waitUntil: 'load' });
        const reports = await page.evaluate(() => window.lessonPage!.widgets);
        expect(reports.map((report) => report.ok)).toEqual(source.meta.widgets.map(() => true));
        for (const tag of source.meta.widgets) {
          expect(await page.evaluate((name) => customElements.get(name) !== undefined, tag)).toBe(true);
          expect(await page.locator(tag).first().getAttribute('seed')).toBe('3');
        }
        const settleStart = Date.now();
        await page.waitForLoadState('networkidle', { timeout: 90_000 });
        console.log(`${source.meta.id}: network idle after ${Date.now() - settleStart} ms`);
        if (source.meta.widgets.every((tag) => LIGHT_WIDGETS.has(tag))) {
          expect(requests.filter((request) => /tensorflow|tfjs/.test(request))).toEqual([]);
        }
        expect(errors).toEqual([]);
        expect(await page.evaluate(() => (window as unknown as { widgetErrors: string[] }).widgetErrors)).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
