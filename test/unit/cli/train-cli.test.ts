import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_RECIPE } from '../../../src/training/live-recipe';

// The training CLI as a learner runs it: a tiny model, a few steps, stopped and resumed.
const root = join(__dirname, '../../..');
let dir: string;

function train(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('npx', ['tsx', 'src/cli/train.ts', '--out', join(dir, 'run'), '--backend', 'wasm', ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stderr: r.stderr };
}

async function trainingOf(folder: string): Promise<Record<string, unknown>> {
  const json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8')) as { userDefinedMetadata: { manifest: { training: Record<string, unknown> } } };
  return json.userDefinedMetadata.manifest.training;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run train: resume and a changed label dropout', () => {
  it('keeps the saved settings on resume, applies a new --label-dropout and records when it changed', { timeout: 120_000 }, async () => {
    const refused = train(['--preset', 'tiny', '--steps', '2', '--batch', '4', '--adam-beta2', '1']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--adam-beta2 must be in [0, 1), got "1"');

    const first = train(['--preset', 'tiny', '--steps', '2', '--batch', '4', '--checkpoint-every', '2', '--adam-beta2', '0.97', '--ema-warmup', '25']);
    expect(first.status, first.stderr.slice(-2000)).toBe(0);
    expect(await trainingOf(join(dir, 'run'))).toMatchObject({ steps: 2, labelDropout: 0.1, batchSize: 4, adamBeta2: 0.97, emaWarmup: 25 });
    expect((await trainingOf(join(dir, 'run'))).settingChanges).toBeUndefined();

    const bad = train(['--resume', '--steps', '3', '--label-dropout', '1.5']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--label-dropout must be in [0, 1], got "1.5"');

    const second = train(['--resume', '--steps', '3', '--label-dropout', '0.3']);
    expect(second.status, second.stderr.slice(-2000)).toBe(0);
    const after = await trainingOf(join(dir, 'run'));
    expect(after).toMatchObject({ steps: 3, labelDropout: 0.3, batchSize: 4 });
    expect(after.settingChanges).toEqual([{ step: 2, setting: 'labelDropout', from: 0.1, to: 0.3 }]);
    expect(String(after.command).split(' && ')).toHaveLength(2);

    // A later resume without the flag goes on with the changed value and keeps the record.
    const third = train(['--resume', '--steps', '4']);
    expect(third.status, third.stderr.slice(-2000)).toBe(0);
    const last = await trainingOf(join(dir, 'run'));
    expect(last).toMatchObject({ steps: 4, labelDropout: 0.3, adamBeta2: 0.97, emaWarmup: 25 });
    expect(last.settingChanges).toEqual([{ step: 2, setting: 'labelDropout', from: 0.1, to: 0.3 }]);
    expect(await trainingOf(join(dir, 'run', 'state'))).toMatchObject({ steps: 4, labelDropout: 0.3 });
  });
});

describe('npm run train -- --live: the widget’s batch of 32 per worker', () => {
  it('trains on 32 rows per worker and records the resolved batch', { timeout: 180_000 }, async () => {
    const out = join(dir, 'live');
    const r = spawnSync('npx', ['tsx', 'src/cli/train.ts', '--live', '--out', out, '--backend', 'wasm', '--steps', '1', '--workers', '2'], { encoding: 'utf8', cwd: root });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.stderr).toContain('batch 64 over 2 workers');
    expect(await trainingOf(out)).toMatchObject({
      steps: 1,
      batchSize: 64,
      workers: 2,
      recipe: 'live',
      adamBeta2: LIVE_RECIPE.adamBeta2,
      emaWarmup: LIVE_RECIPE.emaWarmup,
    });
  });
});
