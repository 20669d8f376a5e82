/**
 * Numbers that lesson 8 quotes about classifier guidance against classifier-free guidance, read
 * when the pages are built from the report `npm run compare:guidance -- --out FILE` wrote into
 * assets/measurements/guidance/ (src/cli/compare-guidance.ts: the shipped model, the same x_T and
 * step noise for every run, scored by the reference classifier), so the prose follows the
 * measurement, never a number typed in.
 *
 * Keys, from `<file>.json` (e.g. compare.json → `guidance.compare.*`):
 *   .n                        samples per run (labels 0–9 in turn)
 *   .sampler, .sampler-steps  the sampler measured ("DDIM", "25")
 *   .cfg-w<w>.accuracy        share read as the asked digit, classifier-free guidance with weight w, "100 %"
 *   .cfg-w<w>.diversity       mean pairwise RMS distance within a class, "0.596"
 *   .classifier-s<s>.accuracy, .classifier-s<s>.diversity   the same for classifier guidance with scale s
 * Node only (reads files).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatCount } from './lesson-values';

interface CompareReport {
  sampler?: unknown;
  n?: unknown;
  runs?: Array<{ kind?: unknown; scale?: unknown; accuracy?: unknown; diversity?: unknown }>;
}

function finite(value: unknown, what: string, file: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${file}: ${what} is not a number`);
  return value;
}

export function guidanceComparisonValues(dir: string): Map<string, string> {
  const values = new Map<string, string>();
  if (!existsSync(dir)) return values;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const report = JSON.parse(readFileSync(file, 'utf8')) as CompareReport;
    if (typeof report.sampler !== 'string' || !Array.isArray(report.runs)) {
      throw new Error(`${file}: not a report of "npm run compare:guidance" (no sampler or runs)`);
    }
    const prefix = `guidance.${basename(name, '.json')}`;
    const [sampler, steps] = report.sampler.split(':');
    values.set(`${prefix}.n`, formatCount(finite(report.n, 'n', file)));
    values.set(`${prefix}.sampler`, sampler.toUpperCase());
    values.set(`${prefix}.sampler-steps`, String(finite(Number(steps), 'the sampler steps', file)));
    for (const run of report.runs) {
      const kind = run.kind === 'cfg' ? 'cfg-w' : run.kind === 'classifier' ? 'classifier-s' : null;
      if (!kind) throw new Error(`${file}: a run of kind ${JSON.stringify(run.kind)}, expected "cfg" or "classifier"`);
      const key = `${prefix}.${kind}${finite(run.scale, 'a run’s scale', file)}`;
      values.set(`${key}.accuracy`, `${Math.round(100 * finite(run.accuracy, 'a run’s accuracy', file))} %`);
      values.set(`${key}.diversity`, finite(run.diversity, 'a run’s diversity', file).toFixed(3));
    }
  }
  return values;
}
