/**
 * Runs the benchmark page (bench-page.html) in headless Chromium under a Vite dev server and
 * forwards its result lines. Debian's Chromium at /usr/bin/chromium; browsers are never
 * downloaded. Flags: see /work/shared/BROWSER-TESTING.md (WebGPU needs --enable-unsafe-webgpu).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { createServer } from 'vite';
import type { BenchLine, BenchSettings } from './bench-measure';
import { benchSettingsQuery } from './bench-options';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

/**
 * Response headers that make a page cross-origin isolated (HTML Living Standard, "cross-origin
 * isolation"): only then may it use SharedArrayBuffer, and so the threaded wasm build.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export interface BrowserBenchOptions {
  /** Serve the page cross-origin isolated, so tfjs's wasm backend runs its threaded build. */
  isolated?: boolean;
  /** Worker counts of the data-parallel lines (wasm); none leaves them out. */
  workers?: readonly number[];
}

/** A Vite dev server over the repository and a headless Chromium with a fresh profile, for one benchmark page. */
export interface BenchBrowser {
  /** http://127.0.0.1:PORT/ */
  base: string;
  page: Page;
  close(): Promise<void>;
}

export async function openBenchBrowser(options: { isolated?: boolean } = {}): Promise<BenchBrowser> {
  const server = await createServer({
    root: repoRoot,
    configFile: join(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, open: false, headers: options.isolated ? { ...CROSS_ORIGIN_ISOLATION_HEADERS } : undefined },
    // Pre-bundled up front: a dependency discovered while the page runs makes Vite reload it,
    // which would restart the measurements.
    optimizeDeps: {
      include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'],
    },
  }).then((dev) => dev.listen());
  const userDataDir = await mkdtemp(join(tmpdir(), 'diffusion-lab-bench-'));
  const cleanUp = async (): Promise<void> => {
    await server.close();
    await rm(userDataDir, { recursive: true, force: true });
  };
  try {
    const address = server.httpServer?.address() as AddressInfo | null;
    if (!address || typeof address === 'string') throw new Error('Vite server did not report a TCP address');
    const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const page = await context.newPage();
    return {
      base: `http://127.0.0.1:${address.port}/`,
      page,
      close: async () => {
        await context.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

export async function runBrowserBench(
  backends: readonly string[],
  settings: BenchSettings,
  emit: (line: BenchLine) => void,
  timeoutMs: number,
  options: BrowserBenchOptions = {},
): Promise<void> {
  const { base, page, close } = await openBenchBrowser(options);
  try {
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('BENCH ')) emit(JSON.parse(text.slice(6)) as BenchLine);
    });
    page.on('pageerror', (error) => emit({ what: 'error', host: 'browser', message: error.message }));
    const workers = options.workers?.length ? `&workers=${options.workers.join(',')}` : '';
    await page.goto(`${base}src/cli/bench-page.html?${benchSettingsQuery(settings, backends)}${workers}`);
    await page.waitForFunction(() => window.__benchDone === true, null, { timeout: timeoutMs, polling: 500 });
  } finally {
    await close();
  }
}
