import { describe, expect, it } from 'vitest';
import { keepCourse, type KeepProgress } from '../../../src/site/offline/keep-course';
import type { KeepReply } from '../../../src/site/offline/messages';

const missing = [
  { url: 'https://x.org/a', bytes: 100 },
  { url: 'https://x.org/b', bytes: 200 },
  { url: 'https://x.org/c', bytes: 300 },
  { url: 'https://x.org/d', bytes: 400 },
  { url: 'https://x.org/e', bytes: 500 },
];

const allKept = async (urls: string[]): Promise<KeepReply> => ({ kept: urls.length, bytes: 0, failed: [] });

describe('keeping the rest of the course', () => {
  it('asks for a few files at a time and reports files and bytes after each batch', async () => {
    const asked: string[][] = [];
    const seen: KeepProgress[] = [];
    const outcome = await keepCourse(missing, { batchSize: 2, keep: (urls) => (asked.push(urls), allKept(urls)), onProgress: (p) => seen.push(p) });
    expect(asked).toEqual([['https://x.org/a', 'https://x.org/b'], ['https://x.org/c', 'https://x.org/d'], ['https://x.org/e']]);
    expect(seen.map((p) => [p.files, p.bytes])).toEqual([[0, 0], [2, 300], [4, 1000], [5, 1500]]);
    expect(outcome).toEqual({ kind: 'done', progress: { files: 5, totalFiles: 5, bytes: 1500, totalBytes: 1500 } });
  });

  it('stops at the first file that fails, counting the others of its batch', async () => {
    const outcome = await keepCourse(missing, {
      batchSize: 2,
      keep: async (urls) => (urls.includes('https://x.org/d') ? { kept: 1, bytes: 300, failed: [{ url: 'https://x.org/d', reason: 'HTTP 404 Not Found' }] } : allKept(urls)),
      onProgress: () => undefined,
    });
    expect(outcome).toEqual({ kind: 'failed', url: 'https://x.org/d', reason: 'HTTP 404 Not Found', progress: { files: 3, totalFiles: 5, bytes: 600, totalBytes: 1500 } });
  });

  it('reports a worker that cannot be reached as a failure of the batch it was asked for', async () => {
    const outcome = await keepCourse(missing, { batchSize: 3, keep: () => Promise.reject(new Error('no service worker')), onProgress: () => undefined });
    expect(outcome).toMatchObject({ kind: 'failed', url: 'https://x.org/a', reason: 'no service worker', progress: { files: 0 } });
  });

  it('stops before the next batch once cancelled', async () => {
    const controller = new AbortController();
    const outcome = await keepCourse(missing, {
      batchSize: 2,
      signal: controller.signal,
      keep: (urls) => (controller.abort(), allKept(urls)),
      onProgress: () => undefined,
    });
    expect(outcome).toEqual({ kind: 'cancelled', progress: { files: 2, totalFiles: 5, bytes: 300, totalBytes: 1500 } });
  });
});
