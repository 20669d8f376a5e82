/**
 * The widget bundle under a strict Content-Security-Policy, sent by the static server with every
 * response (the pages, the bundle, the lab worker's script, the assets): no inline script, no
 * eval, WebAssembly allowed by 'wasm-unsafe-eval' only. examples/csp.html loads the bundle and an
 * external script that lists violations on the page; the test also listens for
 * `securitypolicyviolation` in every frame, and watches the console.
 * Screenshots: test-results/screenshots/csp-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaticServer } from '../../examples/serve';
import { backendLine, buildKit, cspViolations, expectWidgetsRendered, recordEvents, sampleShipped, serveKit, type BuiltKit } from './embed-fixture';
import { collectConsoleErrors, launchBrowser, screenshot, type LaunchedBrowser } from './harness';

/** The policy of the issue: scripts from the host only, WebAssembly compilation allowed. */
const SCRIPT_POLICY = "script-src 'self' 'wasm-unsafe-eval'";
/** Everything else locked down too: styles, images, fetches, workers and frames from the host only. */
const STRICT_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

let kit: BuiltKit;
let browser: LaunchedBrowser;

async function open(server: StaticServer, path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(server.url + path, { waitUntil: 'load' });
  return { page, errors };
}

beforeAll(async () => {
  kit = await buildKit();
  browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  await recordEvents(browser.context);
});

afterAll(async () => {
  await browser?.close();
});

describe.each([
  ['script-src only', SCRIPT_POLICY],
  ['everything locked down', STRICT_POLICY],
])('the widget bundle under a Content-Security-Policy (%s)', (name, policy) => {
  let server: StaticServer;

  beforeAll(async () => {
    server = await serveKit(kit, policy);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('csp.html: the widgets render and the sampler samples on wasm, with no violation', async () => {
    const { page, errors } = await open(server, 'examples/csp.html');
    const frame = page.mainFrame();
    await expectWidgetsRendered(frame);
    const sampled = await sampleShipped(frame);
    expect(sampled.detail).toMatchObject({ nfe: 4, count: 2, source: 'shipped' });
    expect(sampled.greys).toBeGreaterThan(10);
    expect(await backendLine(frame)).toMatch(/^Backend: wasm/);
    // The page's own report (examples/csp-report.js, an external script, so it runs under the policy).
    expect(await page.locator('#csp-report').getAttribute('data-count')).toBe('0');
    expect(await cspViolations(frame)).toEqual([]);
    // Lit styles the widgets through constructed style sheets, which style-src does not block.
    const styled = await page.evaluate(() => document.querySelector('diffusion-sampler')!.shadowRoot!.adoptedStyleSheets.length);
    expect(styled).toBeGreaterThan(0);
    expect(server.missing).toEqual([]);
    await screenshot(page, `csp-${name.replace(/\W+/g, '-')}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('iframe.html: embed.html inside an iframe under the same policy samples too', async () => {
    const { page, errors } = await open(server, 'examples/iframe.html');
    await page.waitForFunction(() => !!document.querySelector('iframe')?.contentDocument?.querySelector('diffusion-sampler'));
    const frame = page.frames().find((f) => f.url().endsWith('/examples/embed.html'))!;
    await expectWidgetsRendered(frame);
    const sampled = await sampleShipped(frame);
    expect(sampled.detail).toMatchObject({ nfe: 4, count: 2, source: 'shipped' });
    expect(await cspViolations(page.mainFrame())).toEqual([]);
    expect(await cspViolations(frame)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
