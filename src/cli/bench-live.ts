/**
 * `npm run bench -- --live`: the trainer widget's default run in headless Chromium, from a cold
 * start (fresh profile, so the backend is measured as on a first visit), with a JSON line per
 * minute of training. At each mark the run is paused, its EMA checkpoint saved as the widget's
 * Download does, and scored here in Node with the reference classifier: accuracy of w = 2
 * class-conditional samples (DDIM 50) and their classifier-FID, beside the FID of as many real
 * training images (the floor). Training time excludes those pauses. A benchmark, not a test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setupBackend } from '../backend/node';
import { classifierFromCheckpoint } from '../classifier/checkpoint';
import { loadMnistFromNode } from '../data/node-mnist';
import { Rng } from '../data/rng';
import { evaluateModel, type EvalPlan } from '../eval/runner';
import type { LabStatus, TrainProgress } from '../lab/lab-api';
import { unetFromCheckpoint } from '../model/unet-checkpoint';
import { parseCheckpoint } from '../training/checkpoint';
import { readCheckpointDir } from '../training/checkpoint-node';
import { openBenchBrowser } from './bench-browser';

export interface LiveBenchOptions {
  minutes: number;
  /** Seconds of training between two scored marks. */
  every: number;
  n: number;
  guidance: number;
  /** Keep each mark's checkpoint and a screenshot of the widget in DIR/minute-K/. */
  out: string | null;
}

interface PageLab {
  trainProgress(): Promise<TrainProgress | null>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  saveCheckpoint(target: 'download'): Promise<{ json: string; weights: ArrayBuffer }>;
}
declare const window: Window & { getLab(): PageLab };

type Emit = (line: Record<string, unknown>) => void;

async function scorer(n: number, guidance: number) {
  await setupBackend('wasm');
  const classifier = classifierFromCheckpoint(await readCheckpointDir('assets/classifier'));
  const test = await loadMnistFromNode('test', { source: 'full' });
  const train = await loadMnistFromNode('train', { source: 'full' });
  const all = (count: number) => Int32Array.from({ length: count }, (_, i) => i);
  const reference = test.gather(all(test.count));
  const floor = train.gather(new Rng(0).shuffle(all(train.count)).subarray(0, n));
  const plan: EvalPlan = {
    n,
    seed: 0,
    unconditional: [],
    guidanceWeights: [guidance],
    guided: { sampler: 'ddim', steps: 50 },
    kid: { subsets: 10, subsetSize: Math.min(100, n) },
    batchSize: 100,
  };
  return async (json: string, weights: ArrayBuffer) => {
    const ckpt = await parseCheckpoint(json, weights);
    const model = unetFromCheckpoint(ckpt);
    try {
      const report = await evaluateModel(
        {
          model,
          trainedScheduler: ckpt.manifest.scheduler,
          classifier,
          reference: { images: reference.images, count: reference.size },
          floor: { images: floor.images, count: floor.size },
        },
        plan,
      );
      const run = report.conditional[0];
      return { accuracy: run.accuracy, fid: run.fid, floorFid: report.floor.fid, fidRatio: run.fid / report.floor.fid };
    } finally {
      model.dispose();
    }
  };
}

export async function runLiveBench(options: LiveBenchOptions, emit: Emit): Promise<void> {
  const score = await scorer(options.n, options.guidance);
  const { base, page, close } = await openBenchBrowser();
  try {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const opened = performance.now();
    await page.goto(`${base}src/cli/bench-live.html`);
    await page.waitForFunction(() => (document.querySelector('diffusion-trainer') as unknown as { backendStatus?: unknown }).backendStatus != null, null, { timeout: 180_000 });
    const status = await page.evaluate(() => (document.querySelector('diffusion-trainer') as unknown as { backendStatus: LabStatus }).backendStatus);
    emit({ what: 'live-start', host: 'browser', backend: status.backend, choice: status.choice?.summary ?? status.reason, readySeconds: (performance.now() - opened) / 1000 });

    // Start as a learner does: the widget's own button, its default settings.
    await page.locator('diffusion-trainer').getByRole('button', { name: 'Start training' }).click();
    let trained = 0;
    let runningSince = performance.now();
    const clicked = runningSince;
    // Seconds from the click to the first finished step: data, network and workers starting.
    let firstStepSeconds: number | null = null;
    for (let minute = 1; minute * options.every <= options.minutes * 60; minute++) {
      const mark = minute * options.every;
      // Poll until the mark; the pause itself lands a step or so later, which the line reports.
      for (;;) {
        const now = trained + (performance.now() - runningSince) / 1000;
        if (now >= mark) break;
        const progress = await page.evaluate(() => window.getLab().trainProgress());
        if (firstStepSeconds === null && (progress?.step ?? 0) > 0) firstStepSeconds = (performance.now() - clicked) / 1000;
        if (progress?.state === 'error' || progress?.state === 'done') break;
        await page.waitForTimeout(Math.min(250, (mark - now) * 1000));
      }
      const before = await page.evaluate(() => window.getLab().trainProgress());
      if (!before) throw new Error('the trainer has no run: "Start training" did not start one');
      if (before.state === 'error') {
        const status = (await page.locator('diffusion-trainer [part~="status"]').textContent()) ?? '';
        emit({ what: 'error', host: 'browser', minute, step: before.step, message: `training stopped: ${status.trim() || 'see the page'}` });
        break;
      }
      if (before.state !== 'done') await page.evaluate(() => window.getLab().pauseTraining());
      trained += (performance.now() - runningSince) / 1000;
      const progress = (await page.evaluate(() => window.getLab().trainProgress()))!;
      const { json, weights } = await page.evaluate(async () => {
        const c = await window.getLab().saveCheckpoint('download');
        return { json: c.json, weights: Array.from(new Uint8Array(c.weights)) };
      });
      const bytes = new Uint8Array(weights).buffer;
      if (options.out) {
        const dir = join(options.out, `minute-${minute}`);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'model.json'), json);
        await writeFile(join(dir, 'weights.bin'), new Uint8Array(bytes));
        // What the learner sees at this mark: the loss curve and the widget's own sample grid.
        await page.locator('diffusion-trainer').screenshot({ path: join(dir, 'trainer.png') });
      }
      const scoredFrom = performance.now();
      const quality = await score(json, bytes);
      const batch = progress.settings.batchSize;
      emit({
        what: 'live',
        host: 'browser',
        minute,
        trainingSeconds: Math.round(trained * 10) / 10,
        step: progress.step,
        imagesPerSecond: Math.round((progress.step * batch) / trained),
        stepsPerSecond: Math.round(progress.stepsPerSecond * 100) / 100,
        workers: progress.workers ?? 1,
        backend: status.backend,
        preset: progress.settings.preset,
        batch,
        guidance: options.guidance,
        n: options.n,
        accuracy: quality.accuracy,
        fid: Math.round(quality.fid * 10) / 10,
        floorFid: Math.round(quality.floorFid * 10) / 10,
        fidRatio: Math.round(quality.fidRatio * 100) / 100,
        scoreSeconds: Math.round((performance.now() - scoredFrom) / 100) / 10,
        ...(minute === 1 ? { firstStepSeconds: firstStepSeconds === null ? null : Math.round(firstStepSeconds * 10) / 10 } : {}),
        ...(progress.notice ? { notice: progress.notice } : {}),
      });
      if (progress.state === 'done' || progress.state === 'error') break;
      await page.evaluate(() => window.getLab().resumeTraining());
      runningSince = performance.now();
    }
    if (pageErrors.length) emit({ what: 'error', host: 'browser', message: pageErrors.join(' | ') });
  } finally {
    await close();
  }
}
