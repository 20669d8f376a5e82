/**
 * The URL loader asks again, after a wait, after a failure that may pass (no answer, a body cut
 * off, a 5xx), up to three tries, and never after one that would repeat (a 404). Files come from assets/mnist through a fake
 * fetch that fails on chosen calls.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnistFromUrl, RETRY_DELAYS_MS } from '../../../src/data/mnist-url';

const assetsDir = join(__dirname, '..', '..', '..', 'assets', 'mnist');
const BASE = 'http://assets.test/mnist/';

type Failure = 'no-answer' | 'cut-off' | 503 | 404;

/** A fetch over assets/mnist whose first `times` calls for `file` fail as `failure`; counts calls per file. */
function flakyFetch(file: string, failure: Failure, times: number): { fetch: typeof fetch; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const fake = async (input: RequestInfo | URL): Promise<Response> => {
    const name = new URL(String(input)).pathname.replace('/mnist/', '');
    const n = (calls.get(name) ?? 0) + 1;
    calls.set(name, n);
    if (name === file && n <= times) {
      if (failure === 'no-answer') throw new TypeError('Failed to fetch');
      if (failure === 'cut-off') {
        const body = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(new TypeError('network error')) });
        return new Response(body, { status: 200 });
      }
      return new Response('', { status: failure, statusText: failure === 404 ? 'Not Found' : 'Service Unavailable' });
    }
    return new Response(await readFile(join(assetsDir, name)), { status: 200 });
  };
  return { fetch: fake as typeof fetch, calls };
}

describe('loadMnistFromUrl retries', () => {
  for (const failure of ['no-answer', 'cut-off', 503] as const) {
    it(`loads after one failure of kind ${failure}`, async () => {
      const { fetch, calls } = flakyFetch('test-images-idx3-ubyte.gz', failure, 1);
      const dataset = await loadMnistFromUrl(BASE, 'test', { fetch, retryDelaysMs: [0, 0] });
      expect(dataset.count).toBe(2000);
      expect(calls.get('test-images-idx3-ubyte.gz')).toBe(2);
      expect(calls.get('test-labels-idx1-ubyte.gz')).toBe(1);
    });
  }

  it('loads after two failures in a row, waiting longer before the third try', async () => {
    const { fetch, calls } = flakyFetch('test-images-idx3-ubyte.gz', 'no-answer', 2);
    const waits: number[] = [];
    const started = Date.now();
    const dataset = await loadMnistFromUrl(BASE, 'test', {
      fetch: ((input: RequestInfo | URL) => (waits.push(Date.now() - started), fetch(input))) as typeof globalThis.fetch,
      retryDelaysMs: [30, 120],
    });
    expect(dataset.count).toBe(2000);
    expect(calls.get('test-images-idx3-ubyte.gz')).toBe(3);
    // index.json, both files, then the two new tries of the images after their waits.
    expect(waits[3]).toBeGreaterThanOrEqual(30);
    expect(waits[4] - waits[3]).toBeGreaterThanOrEqual(120);
  });

  it('spreads its tries over a few seconds by default', () => {
    expect(RETRY_DELAYS_MS.length).toBeGreaterThanOrEqual(2);
    expect(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2000);
  });

  it('gives up after a third failure, naming the file', async () => {
    const { fetch, calls } = flakyFetch('index.json', 'no-answer', 3);
    await expect(loadMnistFromUrl(BASE, 'test', { fetch, retryDelaysMs: [0, 0] })).rejects.toThrow(
      'Could not load http://assets.test/mnist/index.json: Failed to fetch',
    );
    expect(calls.get('index.json')).toBe(3);
  });

  it('does not ask again after a 404', async () => {
    const { fetch, calls } = flakyFetch('test-labels-idx1-ubyte.gz', 404, 1);
    await expect(loadMnistFromUrl(BASE, 'test', { fetch, retryDelaysMs: [0, 0] })).rejects.toThrow(/test-labels-idx1-ubyte\.gz: HTTP 404 Not Found/);
    expect(calls.get('test-labels-idx1-ubyte.gz')).toBe(1);
  });
});
