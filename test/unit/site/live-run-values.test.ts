import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveBrowserValues } from '../../../src/site/build/live-run-values';

function file(lines: object[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'live-values-')), 'browser-run.jsonl');
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return path;
}

describe('the live benchmark values lessons quote', () => {
  it('reads the backend and each minute of the browser run', () => {
    const values = liveBrowserValues(
      file([
        { what: 'live-start', backend: 'wasm', choice: 'wasm 98 ms/step → wasm', readySeconds: 3 },
        { what: 'live', minute: 1, step: 612, accuracy: 0.815, fidRatio: 4.04, imagesPerSecond: 326.4, workers: 1 },
        { what: 'live', minute: 3, step: 1843, accuracy: 0.99, fidRatio: 1.1, imagesPerSecond: 327, workers: 2 },
      ]),
    );
    expect(values.get('live.browser.backend')).toBe('wasm');
    expect(values.get('live.browser.choice')).toBe('wasm 98 ms/step → wasm');
    expect(values.get('live.browser.minute-1.step')).toBe('612');
    expect(values.get('live.browser.minute-1.accuracy')).toBe('82 %');
    expect(values.get('live.browser.minute-1.fid-ratio')).toBe('4.0');
    expect(values.get('live.browser.minute-3.images-per-second')).toBe('327');
    expect(values.get('live.browser.minute-3.workers')).toBe('2');
  });

  it('refuses a line that lacks a figure, and reads nothing from a missing file', () => {
    expect(() => liveBrowserValues(file([{ what: 'live', minute: 1, step: 10 }]))).toThrow(/accuracy is not a number/);
    expect(liveBrowserValues(join(tmpdir(), 'no-such-dir', 'browser-run.jsonl')).size).toBe(0);
  });
});
