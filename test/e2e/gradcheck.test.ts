/**
 * Gradients of every U-Net op, and of the tiny U-Net at batch 2, on WebGL, WebGPU and wasm in headless
 * Chromium against the cpu backend (relative error < 1e-3). Both GPUs are software-rendered here
 * (SwiftShader), so the shapes are tiny.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradcheckResult } from './pages/gradcheck-page';
import { collectConsoleErrors, launchBrowser, startServer, type LaunchedBrowser, type RunningServer } from './harness';

const TOLERANCE = 1e-3;

let server: RunningServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function gradcheck(backend: string, query = 'model=1'): Promise<{ result: GradcheckResult; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectConsoleErrors(page);
  try {
    await page.goto(`${server.url}test/e2e/pages/gradcheck.html?backend=${backend}&${query}`);
    await page.waitForFunction(() => window.gradcheck !== undefined, null, { timeout: 280_000, polling: 500 });
    const result = (await page.evaluate(() => window.gradcheck)) as GradcheckResult;
    return { result, errors };
  } finally {
    await page.close();
  }
}

describe('setupBackend in the browser', () => {
  it('auto skips the software-rendered GPUs for wasm and says why', async () => {
    const { result, errors } = await gradcheck('auto', 'ops=0');
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm');
    expect(result.setup?.tried.map((t) => [t.name, t.ok])).toEqual([
      ['webgpu', false],
      ['webgl', false],
      ['wasm', true],
    ]);
    expect(result.setup?.reason).toMatch(/webgpu: .*software/);
    expect(result.setup?.reason).toMatch(/webgl: .*software-rendered/i);
    expect(errors).toEqual([]);
  });
});

describe.each(['webgl', 'webgpu', 'wasm'])('%s gradients match cpu', (backend) => {
  it('for every U-Net op and for the tiny U-Net', async () => {
    const { result, errors } = await gradcheck(backend);
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe(backend);
    expect(result.ops.length).toBeGreaterThan(20);
    const failing = result.ops.filter((op) => !(op.maxError < TOLERANCE) || op.leakedTensors !== 0);
    expect(failing).toEqual([]);
    expect(result.model).not.toBeNull();
    expect(result.model!.variables).toBeGreaterThan(10);
    expect(result.model!.maxError, result.model!.worst).toBeLessThan(TOLERANCE);
    expect(result.model!.leakedTensors).toBe(0);
    // The Trainer's clipping norm over every parameter (tf.addN of ~100 inputs broke it on WebGPU).
    expect(result.adamNorm!.parameters).toBeGreaterThan(50);
    expect(result.adamNorm!.relativeError, JSON.stringify(result.adamNorm)).toBeLessThan(1e-4);
    // The fused Adam update (WebGPU shaders, WebAssembly, JS on cpu) against cpu; webgl runs tfjs ops.
    expect(result.adamUpdate!.fused).toBe(backend !== 'webgl');
    expect(result.adamUpdate!.maxError, JSON.stringify(result.adamUpdate)).toBeLessThan(1e-4);
    // tf.addN of more inputs than one WebGPU shader may bind (src/backend/kernels/webgpu-addn-kernel.ts).
    expect(result.addNMany).toEqual({ got: 465, expected: 465 });
    expect(result.emaUpdate!.fused).toBe(backend !== 'webgl');
    expect(result.emaUpdate!.maxError, JSON.stringify(result.emaUpdate)).toBeLessThan(1e-5);
    // The flat state's write-back (buffer copies on WebGPU), and Adam over flat state end to end.
    expect(result.splitFlat!.fused).toBe(backend !== 'webgl');
    expect(result.splitFlat!.maxError, JSON.stringify(result.splitFlat)).toBe(0);
    expect(result.flatAdam!.maxError, JSON.stringify(result.flatAdam)).toBeLessThan(1e-4);
    // On wasm the fast paths are generated SIMD kernels: every one must compile here too.
    if (backend === 'wasm') expect(result.simd).toEqual({ failed: [], problem: null });
    expect(errors).toEqual([]);
  });
});
