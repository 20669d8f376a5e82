/**
 * The page lab in headless Chromium: worker start-up and backend choice, a short training run
 * (progress, losses, preview grids, pause / resume, no long tasks on the page), sampling with
 * recorded steps, abort and tensor hygiene, and checkpoints (download, IndexedDB, files, URLs,
 * refusal of broken ones). wasm throughout (SwiftShader makes WebGL / WebGPU slow here), except
 * where the automatic choice is the subject, and one four-step WebGPU run checked against wasm.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab, LabStatus, TrainProgress, TrainSettings } from '../../src/lab/lab-api';
import { LIVE_RECIPE } from '../../src/training/live-recipe';
import { collectConsoleErrors, launchBrowser, repoRoot, startServer, type LaunchedBrowser, type RunningServer } from './harness';

/** What lab-page.ts puts on window. */
interface LabWindow {
  getLab(options?: object): Lab;
  lab: Lab;
  progress: TrainProgress[];
  grids: Array<{ step: number; count: number; values: number; finite: boolean }>;
  trainErrors: string[];
  backendEvents: LabStatus[];
  longTasks: number[];
  watchLongTasks(): void;
}
declare const window: Window & LabWindow;

const PAGE = 'test/e2e/pages/lab-page.html';
const FIXTURES = 'test-results/lab-e2e';
const PIXELS = 28 * 28;

const TINY: TrainSettings = {
  preset: 'tiny',
  batchSize: 8,
  learningRate: 2e-3,
  steps: 6,
  labelDropout: 0.1,
  seed: 1,
  sampleEvery: 3,
  sampleCount: 4,
};

let server: RunningServer;
let browser: LaunchedBrowser;
let page: Page;
let errors: string[];
const warnings: string[] = [];

async function openLabPage(backend: string): Promise<Page> {
  const p = await browser.newPage();
  await p.goto(`${server.url}${PAGE}?backend=${backend}`);
  await p.waitForSelector('body[data-ready="true"]');
  return p;
}

/** Calls a lab method in the page and returns { ok, value | message, name }. */
async function settle<T>(p: Page, body: string): Promise<{ ok: true; value: T } | { ok: false; name: string; message: string }> {
  return p.evaluate(async (code) => {
    try {
      // eslint-disable-next-line no-new-func
      const value = await new Function('lab', `return (async () => { ${code} })();`)(window.lab);
      return { ok: true as const, value };
    } catch (e) {
      return { ok: false as const, name: (e as Error).name, message: (e as Error).message };
    }
  }, body) as Promise<{ ok: true; value: T } | { ok: false; name: string; message: string }>;
}

async function progressState(p: Page): Promise<TrainProgress | null> {
  return p.evaluate(() => window.lab.trainProgress());
}

async function waitForProgress(p: Page, test: string, timeout = 60_000): Promise<void> {
  await p.waitForFunction(
    (code) => new Function('p', `return ${code}`)(window.progress[window.progress.length - 1]),
    test,
    { timeout, polling: 50 },
  );
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await openLabPage('wasm');
  errors = collectConsoleErrors(page);
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await rm(join(repoRoot, FIXTURES), { recursive: true, force: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(join(repoRoot, FIXTURES), { recursive: true, force: true });
});

describe('page lab (wasm)', () => {
  it('starts its worker on the requested backend and shares one lab per page', async () => {
    const status = await page.evaluate(() => window.lab.ready());
    expect(status.backend).toBe('wasm');
    expect(status.reason).toMatch(/wasm/);
    expect(status.tried[0]).toEqual({ name: 'wasm', ok: true });
    expect(await page.evaluate(() => window.backendEvents.map((s) => s.backend))).toEqual(['wasm']);
    // Later callers get the same lab; other options only earn a warning.
    expect(await page.evaluate(() => window.getLab() === window.lab && window.getLab({ assetsBase: '/elsewhere/' }) === window.lab)).toBe(true);
    expect(warnings.some((w) => w.includes('first call'))).toBe(true);
    expect(await page.evaluate(() => window.lab.trainProgress())).toBeNull();
  });

  it('trains the tiny preset: progress, losses and preview grids, with no long task on the page', async () => {
    await page.evaluate(() => window.watchLongTasks());
    await page.evaluate((s) => window.lab.startTraining(s), TINY);
    await waitForProgress(page, "p && p.state === 'done'");
    const progress = await page.evaluate(() => window.progress);
    expect(progress[0].state).toBe('running');
    const losses = progress.flatMap((p) => p.newLosses);
    expect(losses.map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(losses.every(([, loss]) => Number.isFinite(loss) && loss > 0 && loss < 10)).toBe(true);
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ state: 'done', step: 6, totalSteps: 6, settings: TINY });
    expect(last.stepsPerSecond).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.grids)).toEqual([
      { step: 3, count: 4, values: 4 * PIXELS, finite: true },
      { step: 6, count: 4, values: 4 * PIXELS, finite: true },
    ]);
    expect(await page.evaluate(() => window.trainErrors)).toEqual([]);
    // Tasks over 100 ms on the page would mean the lab blocks it.
    expect((await page.evaluate(() => window.longTasks)).filter((d) => d > 100)).toEqual([]);
    // The observer does see a task of that length when there is one.
    await page.evaluate(() => {
      setTimeout(() => {
        const start = performance.now();
        while (performance.now() - start < 150);
      }, 0);
    });
    await page.waitForFunction(() => window.longTasks.some((d) => d > 100), null, { timeout: 5_000 });
    await page.evaluate(() => {
      window.longTasks.length = 0;
    });
  });

  it('continues the run with new settings, pauses and resumes, and refuses another preset without a reset', async () => {
    await page.evaluate((s) => window.lab.startTraining(s), { ...TINY, steps: 400, batchSize: 16, sampleEvery: 0 });
    await waitForProgress(page, 'p && p.step >= 9');
    await page.evaluate(() => window.lab.pauseTraining());
    const paused = (await progressState(page))!;
    expect(paused.state).toBe('paused');
    expect(paused.settings.batchSize).toBe(16);
    expect(paused.totalSteps).toBe(400);
    await page.waitForTimeout(400);
    expect((await progressState(page))!.step).toBe(paused.step);

    await page.evaluate(() => window.lab.resumeTraining());
    await waitForProgress(page, `p && p.state === 'running' && p.step >= ${paused.step + 2}`);
    await page.evaluate(() => window.lab.pauseTraining());
    const again = (await progressState(page))!;
    expect(again.state).toBe('paused');
    expect(again.step).toBeGreaterThanOrEqual(paused.step + 2);

    const other = await settle(page, "return lab.startTraining({ ...(await lab.trainProgress()).settings, preset: 'small' })");
    expect(other).toMatchObject({ ok: false });
    expect(other.ok ? '' : other.message).toMatch(/reset training first/);
    expect((await progressState(page))!.step).toBe(again.step);
  });

  it('samples with recorded steps, starts every sampler from the seed’s x_T and frees its tensors', async () => {
    const result = await page.evaluate(async () => {
      const steps: Array<{ index: number; total: number; values: number; xt0: number }> = [];
      let firstXt: Float32Array | null = null;
      const out = await window.lab.sample(
        { sampler: 'ddim', steps: 5, count: 3, seed: 7, label: [1, 2, null], guidance: 1, recordSteps: true, source: 'trained' },
        {
          onStep: (s) => {
            if (s.index === 0) firstXt = s.xt;
            steps.push({ index: s.index, total: s.total, values: s.x0.length, xt0: s.xt[0] });
          },
        },
      );
      const ddpm = await window.lab.sample({ sampler: 'ddpm', steps: 4, count: 3, seed: 7, source: 'trained' });
      const sameXt = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
      return {
        count: out.count,
        values: out.images.length,
        finite: out.images.every(Number.isFinite),
        nfe: out.nfe,
        ddpmNfe: ddpm.nfe,
        steps,
        xTIsFirstStep: firstXt !== null && sameXt(firstXt, out.xT),
        sameXtAcrossSamplers: sameXt(out.xT, ddpm.xT),
        wallMs: out.wallMs,
      };
    });
    expect(result).toMatchObject({ count: 3, values: 3 * PIXELS, finite: true, nfe: 10, ddpmNfe: 4, xTIsFirstStep: true, sameXtAcrossSamplers: true });
    expect(result.steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
    expect(result.steps.every((s) => s.total === 5 && s.values === 3 * PIXELS)).toBe(true);
    expect(result.wallMs).toBeGreaterThan(0);

    const counts = await page.evaluate(async () => {
      const request = { sampler: 'ddpm' as const, steps: 3, count: 2, seed: 3, label: 4, source: 'trained' as const };
      await window.lab.sample(request);
      const first = await window.lab.numTensors();
      await window.lab.sample(request);
      return [first, await window.lab.numTensors()];
    });
    expect(counts[1]).toBe(counts[0]);

    // Abort: the promise rejects with an AbortError, the worker stops and frees the job's tensors.
    const aborted = await page.evaluate(async () => {
      const before = await window.lab.numTensors();
      const controller = new AbortController();
      let name = '';
      let stepsSeen = 0;
      try {
        await window.lab.sample(
          { sampler: 'ddpm', steps: 200, count: 2, seed: 1, recordSteps: true, source: 'trained' },
          { signal: controller.signal, onStep: () => (++stepsSeen === 1 ? controller.abort() : undefined) },
        );
      } catch (e) {
        name = (e as Error).name;
      }
      let after = await window.lab.numTensors();
      for (let i = 0; i < 50 && after !== before; i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = await window.lab.numTensors();
      }
      return { name, before, after, stepsSeen };
    });
    expect(aborted.name).toBe('AbortError');
    expect(aborted.after).toBe(aborted.before);
    expect(aborted.stepsSeen).toBeLessThan(200);
  });

  it('rejects bad requests with the worker’s message', async () => {
    const bad = await settle(page, "return lab.sample({ sampler: 'euler', steps: 5, count: 1, seed: 0 })");
    expect(bad).toMatchObject({ ok: false, name: 'RangeError' });
    expect(bad.ok ? '' : bad.message).toMatch(/sampler must be "ddpm" or "ddim"/);
    const steps = await settle(page, "return lab.sample({ sampler: 'ddim', steps: 5000, count: 1, seed: 0, source: 'trained' })");
    expect(steps.ok).toBe(false);
    const settings = await settle(page, "return lab.startTraining({ ...(await lab.trainProgress()).settings, batchSize: 0 })");
    expect(settings.ok ? '' : settings.message).toMatch(/batchSize/);
  });

  it('reports the shipped model and the reference classifier, or says clearly that they are missing', async () => {
    const shipped = await settle<{ preset: string; params: number }>(page, "return lab.modelInfo('shipped')");
    if (existsSync(join(repoRoot, 'assets/checkpoints/mnist-small/model.json'))) {
      expect(shipped).toMatchObject({ ok: true, value: { preset: 'small' } });
    } else {
      expect(shipped.ok ? '' : shipped.message).toMatch(/no shipped checkpoint at http:\/\/.*\/assets\/checkpoints\/mnist-small\/model\.json/);
    }
    const classified = await settle<{ labels: Int32Array }>(page, 'return lab.classify(new Float32Array(2 * 784).fill(-1), 2)');
    if (existsSync(join(repoRoot, 'assets/classifier/model.json'))) {
      expect(classified.ok).toBe(true);
    } else {
      expect(classified.ok ? '' : classified.message).toMatch(/no reference classifier at http:\/\/.*\/assets\/classifier\//);
    }
    const trained = await settle<{ preset: string; trainingSteps: number; params: number; layers: unknown[] }>(page, "return lab.modelInfo('trained')");
    expect(trained).toMatchObject({ ok: true, value: { preset: 'tiny', params: 39289 } });
  });

  it('saves checkpoints, loads them back from files, IndexedDB and a URL, and refuses broken ones keeping the model', async () => {
    const saved = await page.evaluate(async () => {
      const files = (await window.lab.saveCheckpoint('download')) as { json: string; weights: ArrayBuffer };
      return { json: files.json, weights: Array.from(new Uint8Array(files.weights)) };
    });
    const steps = (await progressState(page))!.step;
    const training = JSON.parse(saved.json).userDefinedMetadata.manifest.training;
    expect(training.steps).toBe(steps);
    // The page trains with the live recipe's optimiser and EMA settings, and says so.
    expect(training).toMatchObject({ adamBeta2: LIVE_RECIPE.adamBeta2, emaDecay: LIVE_RECIPE.emaDecay, emaWarmup: LIVE_RECIPE.emaWarmup });
    expect(saved.weights.length).toBe(39289 * 4);

    const weights = Uint8Array.from(saved.weights);
    const corrupt = weights.slice();
    corrupt[1000] ^= 0xff;
    const write = async (name: string, json: string, bytes: Uint8Array): Promise<string> => {
      const dir = join(repoRoot, FIXTURES, name);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'model.json'), json);
      await writeFile(join(dir, 'weights.bin'), bytes);
      return `${server.url}${FIXTURES}/${name}/`;
    };
    const good = await write('good', saved.json, weights);
    const bad = await write('corrupt', saved.json, corrupt);
    const short = await write('truncated', saved.json, weights.subarray(0, 1000));
    const notJson = await write('not-json', '{"format": "diffusion-lab-checkpoint", ', weights);

    for (const [url, pattern] of [
      [bad, /weights\.bin is corrupt/],
      [short, /truncated/],
      [notJson, /not valid JSON/],
      [`${server.url}${FIXTURES}/missing/`, /no checkpoint at/],
    ] as const) {
      const result = await settle(page, `return lab.loadCheckpoint({ url: ${JSON.stringify(url)} })`);
      expect(result).toMatchObject({ ok: false });
      expect(result.ok ? '' : result.message).toMatch(pattern);
    }
    // The old model stays: same steps, still samples.
    expect((await progressState(page))!.step).toBe(steps);
    expect((await settle(page, "return (await lab.sample({ sampler: 'ddim', steps: 2, count: 1, seed: 1, source: 'trained' })).count")).ok).toBe(true);

    const fromUrl = await settle<{ preset: string; steps: number }>(page, `return lab.loadCheckpoint({ url: ${JSON.stringify(good)} })`);
    expect(fromUrl).toMatchObject({ ok: true, value: { preset: 'tiny', steps } });
    const state = (await progressState(page))!;
    expect(state).toMatchObject({ state: 'done', step: steps });

    const fromFiles = await page.evaluate(async ({ json, bytes }) => {
      const files = [new File([json], 'model.json'), new File([Uint8Array.from(bytes)], 'weights.bin')];
      const ok = await window.lab.loadCheckpoint({ files });
      let refused = '';
      try {
        await window.lab.loadCheckpoint({ files: [files[0]] });
      } catch (e) {
        refused = (e as Error).message;
      }
      return { ok, refused };
    }, { json: saved.json, bytes: saved.weights });
    expect(fromFiles.ok).toMatchObject({ preset: 'tiny', steps });
    expect(fromFiles.refused).toMatch(/pick the two files/);

    const stored = await page.evaluate(async () => {
      const summary = await window.lab.saveCheckpoint('indexeddb');
      const loaded = await window.lab.loadCheckpoint('indexeddb');
      return { summary, loaded };
    });
    expect(stored.summary).toMatchObject({ preset: 'tiny', steps });
    expect(stored.loaded).toMatchObject({ preset: 'tiny', steps });
  });

  it('continues training a loaded model, and a reset throws the model away', async () => {
    const steps = (await progressState(page))!.step;
    await page.evaluate((s) => window.lab.startTraining(s), { ...TINY, steps: steps + 3, sampleEvery: 0 });
    await waitForProgress(page, `p && p.state === 'done' && p.step === ${steps + 3}`);
    await page.evaluate(() => window.lab.resetTraining());
    expect(await progressState(page)).toBeNull();
    const gone = await settle(page, "return lab.sample({ sampler: 'ddim', steps: 2, count: 1, seed: 1, source: 'trained' })");
    expect(gone.ok ? '' : gone.message).toMatch(/no trained model/);
    // After a reset another preset may start.
    const other = await settle(page, "return lab.startTraining({ preset: 'small', batchSize: 4, learningRate: 1e-3, steps: 1, labelDropout: 0.1, seed: 2, sampleEvery: 0, sampleCount: 1 })");
    expect(other.ok).toBe(true);
    await waitForProgress(page, "p && p.state === 'done' && p.settings.preset === 'small'");
    expect(errors).toEqual([]);
  });
});

describe('page lab (auto)', () => {
  it('chooses a backend itself and says why, and a train / sample / reset cycle there gives back every tensor', async () => {
    const p = await openLabPage('auto');
    try {
      const pageErrors = collectConsoleErrors(p);
      const status = await p.evaluate(() => window.lab.ready());
      expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(status.backend);
      const chosen = status.tried[status.tried.length - 1];
      expect(chosen).toEqual({ name: status.backend, ok: true });
      // Every backend before the chosen one failed for a stated reason, and the reason names them.
      for (const t of status.tried.slice(0, -1)) {
        expect(t.ok).toBe(false);
        expect(t.reason).toBeTruthy();
        expect(status.reason).toContain(t.name);
      }
      expect(status.reason).toContain(status.backend);
      // A train / sample / reset cycle on the chosen backend gives back every tensor it made. The
      // lab keeps nothing across it: the training images are plain arrays, the trained model, its
      // EMA copy and Adam's moments go with the reset, and sampling frees its steps' tensors
      // (measured here: 0 tensors before and after, 412 while the tiny model is trained).
      const before = await p.evaluate(() => window.lab.memory());
      await p.evaluate((s) => window.lab.startTraining(s), { ...TINY, batchSize: 2, steps: 2, sampleEvery: 0 });
      await waitForProgress(p, "p && p.state === 'done'");
      const trained = await p.evaluate(() => window.lab.memory());
      await p.evaluate(() => window.lab.sample({ sampler: 'ddim', steps: 2, count: 1, seed: 1, source: 'trained' }));
      expect(await p.evaluate(() => window.lab.memory())).toEqual(trained);
      await p.evaluate(() => window.lab.resetTraining());
      const after = await p.evaluate(() => window.lab.memory());
      // The counts are the worker's: they see the model while it exists.
      expect(trained.numTensors).toBeGreaterThan(before.numTensors);
      expect(trained.numBytes).toBeGreaterThan(before.numBytes);
      expect(after).toEqual(before);
      expect(pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});

describe('page lab (webgpu, software-rendered here)', () => {
  it('trains like wasm: the same losses step by step, so gradient clipping and Adam agree', async () => {
    // The Trainer's WebGPU path end to end in the worker: the grouped gradient norm and the Adam
    // shaders. Step 1's loss is before any update; later ones follow the updates. Tiny batch:
    // SwiftShader runs WebGPU on the CPU.
    const settings: TrainSettings = { ...TINY, batchSize: 2, steps: 4, sampleEvery: 0 };
    const lossesOn = async (backend: string): Promise<number[]> => {
      const p = await openLabPage(backend);
      try {
        const pageErrors = collectConsoleErrors(p);
        const status = await p.evaluate(() => window.lab.ready());
        expect(status.backend).toBe(backend);
        await p.evaluate((s) => window.lab.startTraining(s), settings);
        await waitForProgress(p, "p && p.state === 'done'", 240_000);
        const progress = await p.evaluate(() => window.progress);
        expect(await p.evaluate(() => window.trainErrors)).toEqual([]);
        expect(pageErrors).toEqual([]);
        return progress.flatMap((e) => e.newLosses).map(([, loss]) => loss);
      } finally {
        await p.close();
      }
    };
    const wasm = await lossesOn('wasm');
    const webgpu = await lossesOn('webgpu');
    expect(wasm).toHaveLength(4);
    expect(webgpu).toHaveLength(4);
    const worst = Math.max(...wasm.map((l, i) => Math.abs(webgpu[i] - l) / l));
    expect(worst, `wasm ${wasm.join(', ')}; webgpu ${webgpu.join(', ')}`).toBeLessThan(1e-3);
  });
});

describe('page lab (backend from the URL)', () => {
  it('refuses an unknown ?backend= with the allowed names, as a rejected ready()', async () => {
    const p = await browser.newPage();
    try {
      await p.goto(`${server.url}${PAGE}?backend=tpu`);
      await p.waitForSelector('body[data-ready="true"]');
      const result = await settle(p, 'return lab.ready()');
      expect(result.ok).toBe(false);
      const message = result.ok ? '' : result.message;
      expect(message).toMatch(/tpu/);
      for (const name of ['auto', 'webgpu', 'webgl', 'wasm', 'cpu']) expect(message).toContain(name);
    } finally {
      await p.close();
    }
  });
});
