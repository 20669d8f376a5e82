/**
 * End-to-end test harness: serves the site with Vite and drives Debian's Chromium through
 * playwright-core. Tests import these four helpers and nothing else from here.
 *
 *   const server = await startServer();
 *   const browser = await launchBrowser();
 *   const page = await browser.newPage();
 *   const errors = collectConsoleErrors(page);
 *   await page.goto(server.url);
 *   ...
 *   await browser.close();
 *   await server.close();
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';

/** Repository root: test/e2e/ is two levels below it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Debian's Chromium; browsers are never downloaded. `.ci/run` installs it when missing. */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Flags measured to give both WebGPU and WebGL2 in headless Chromium as root (see
 * BROWSER-TESTING.md). Without --enable-unsafe-webgpu, navigator.gpu.requestAdapter() returns
 * null. The user-data dir is not here: playwright passes it itself and refuses it in args.
 */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

export interface RunningServer {
  /** Base URL ending in '/', e.g. http://127.0.0.1:41234/ */
  url: string;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Folder served as the site root; defaults to the repository root. */
  root?: string;
  /** Serve the production build in `dist/` (run `npm run build` first) instead of the dev server. */
  preview?: boolean;
}

/**
 * Starts Vite on 127.0.0.1 with a free port chosen by the OS, using the repository's
 * vite.config.ts, so tests never collide with a running `npm start` or with each other.
 */
export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const root = opts.root ?? repoRoot;
  const configFile = join(repoRoot, 'vite.config.ts');
  const server: ViteDevServer | PreviewServer = opts.preview
    ? await preview({
        root,
        configFile,
        logLevel: 'warn',
        preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
      })
    : await createServer({
        root,
        configFile,
        logLevel: 'warn',
        clearScreen: false,
        server: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
      }).then((dev) => dev.listen());

  const address = server.httpServer?.address() as AddressInfo | null;
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error('Vite server did not report a TCP address');
  }
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => server.close(),
  };
}

export interface LaunchedBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchBrowserOptions {
  viewport?: { width: number; height: number };
}

/** Launches headless Chromium with a fresh user-data dir that is deleted again on close. */
export async function launchBrowser(opts: LaunchBrowserOptions = {}): Promise<LaunchedBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'diffusion-lab-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs],
      viewport: opts.viewport ?? { width: 1280, height: 800 },
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Chromium reports a WebGPU validation error (an invalid shader, binding or command buffer) as a
 * console warning, and the GPU then silently skips the work: the results are wrong, not missing.
 */
const WEBGPU_VALIDATION = /is invalid due to a previous error|While (?:calling|validating|encoding|finishing) \[/;

/**
 * Starts recording console errors, WebGPU validation warnings and uncaught page exceptions. The
 * returned array fills up as the page runs; assert on it at the end of a test
 * (`expect(errors).toEqual([])`).
 */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
    if (message.type() === 'warning' && WEBGPU_VALIDATION.test(message.text())) errors.push(`WebGPU validation: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    errors.push(`pageerror: ${error.message}`);
  });
  return errors;
}

/** Where screenshots go; git-ignored through /test-results/. */
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

/** Saves a full-page PNG to test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`Screenshot name must be a plain file name, got "${name}"`);
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
