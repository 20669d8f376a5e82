/**
 * Numbers that lesson 5 quotes about the live recipe, read when the pages are built from the
 * evaluation reports in assets/measurements/live/: each is what `npm run eval -- --out FILE`
 * wrote for a checkpoint of `npm run train -- --live` (the trainer widget's own recipe and data),
 * so the prose follows the measurements, never a number typed in.
 *
 * Keys, per report, `live.step-<N>.*` with N the checkpoint's training steps:
 *   .steps            "600"
 *   .images           training images shown, steps × batch
 *   .accuracy         share of guided samples the reference classifier reads as the asked digit, "79 %"
 *   .guidance, .sampler-steps, .n     the guided run measured (w, DDIM steps, samples)
 *   .fid-ratio        classifier-FID of those samples over the FID of as many real images, "4.5"
 *
 * And from `browser-run.jsonl`, the lines `npm run bench -- --live` printed for the widget's own run
 * in Chromium, `live.browser.*`:
 *   .backend, .choice         the backend the lab chose and the figures behind it
 *   .minute-<K>.step          steps reached after K minutes of training
 *   .minute-<K>.accuracy      "97 %", as above
 *   .minute-<K>.fid-ratio     as above
 *   .minute-<K>.images-per-second, .minute-<K>.workers
 * Node only (reads files).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCount } from './lesson-values';

interface EvalReport {
  checkpoint?: { trainingSteps?: unknown; batchSize?: unknown; trainingCommand?: unknown };
  n?: unknown;
  floor?: { fid?: unknown };
  conditional?: Array<{ guidance?: unknown; steps?: unknown; fid?: unknown; accuracy?: unknown }>;
}

function finite(value: unknown, what: string, file: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${file}: ${what} is not a number`);
  return value;
}

/** The live benchmark's lines for the trainer widget's default run in Chromium. */
export const BROWSER_RUN_FILE = 'browser-run.jsonl';

interface LiveLine {
  what?: unknown;
  backend?: unknown;
  choice?: unknown;
  minute?: unknown;
  step?: unknown;
  accuracy?: unknown;
  fidRatio?: unknown;
  imagesPerSecond?: unknown;
  workers?: unknown;
}

export function liveBrowserValues(file: string): Map<string, string> {
  const values = new Map<string, string>();
  if (!existsSync(file)) return values;
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().startsWith('{'));
  for (const text of lines) {
    const line = JSON.parse(text) as LiveLine;
    if (line.what === 'live-start') {
      if (typeof line.backend !== 'string' || typeof line.choice !== 'string') throw new Error(`${file}: a live-start line without backend and choice`);
      values.set('live.browser.backend', line.backend);
      values.set('live.browser.choice', line.choice);
    } else if (line.what === 'live') {
      const prefix = `live.browser.minute-${finite(line.minute, 'minute', file)}`;
      values.set(`${prefix}.step`, formatCount(finite(line.step, 'step', file)));
      values.set(`${prefix}.accuracy`, `${Math.round(100 * finite(line.accuracy, 'accuracy', file))} %`);
      values.set(`${prefix}.fid-ratio`, finite(line.fidRatio, 'fidRatio', file).toFixed(1));
      values.set(`${prefix}.images-per-second`, formatCount(finite(line.imagesPerSecond, 'imagesPerSecond', file)));
      values.set(`${prefix}.workers`, String(finite(line.workers, 'workers', file)));
    }
  }
  return values;
}

export function liveRunValues(dir: string): Map<string, string> {
  const values = new Map<string, string>();
  if (!existsSync(dir)) return values;
  for (const [key, value] of liveBrowserValues(join(dir, BROWSER_RUN_FILE))) values.set(key, value);
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const report = JSON.parse(readFileSync(file, 'utf8')) as EvalReport;
    if (typeof report.checkpoint?.trainingCommand !== 'string' || !report.checkpoint.trainingCommand.includes('--live')) {
      throw new Error(`${file}: not the report of a checkpoint trained with "npm run train -- --live"`);
    }
    const steps = finite(report.checkpoint.trainingSteps, 'checkpoint.trainingSteps', file);
    const batch = finite(report.checkpoint.batchSize, 'checkpoint.batchSize', file);
    const guided = report.conditional?.[0];
    if (!guided) throw new Error(`${file}: no guided (conditional) run`);
    const prefix = `live.step-${steps}`;
    values.set(`${prefix}.steps`, formatCount(steps));
    values.set(`${prefix}.images`, formatCount(steps * batch));
    values.set(`${prefix}.accuracy`, `${Math.round(100 * finite(guided.accuracy, 'accuracy', file))} %`);
    values.set(`${prefix}.guidance`, String(finite(guided.guidance, 'guidance', file)));
    values.set(`${prefix}.sampler-steps`, String(finite(guided.steps, 'steps', file)));
    values.set(`${prefix}.n`, formatCount(finite(report.n, 'n', file)));
    const ratio = finite(guided.fid, 'fid', file) / finite(report.floor?.fid, 'floor.fid', file);
    values.set(`${prefix}.fid-ratio`, ratio.toFixed(1));
  }
  return values;
}
