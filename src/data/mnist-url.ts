/**
 * Loads the MNIST assets over fetch: in the browser from wherever assets/mnist/ is served, and
 * in Node from any http(s) URL. Uses the same index checks and parser as the Node file loader.
 */
import { MnistFormatError } from './idx';
import {
  checkAssetIndex,
  datasetFromAssets,
  MNIST_ASSET_INDEX_FILE,
  type AssetLoadOptions,
  type MnistAssetIndex,
  type MnistSplit,
} from './mnist-assets';
import type { MnistDataset } from './mnist';

export interface UrlLoadOptions extends AssetLoadOptions {
  /** fetch to use (defaults to the global one), e.g. to add caching or progress. */
  fetch?: typeof fetch;
  /** Waits before each new try after a failure that may pass (defaults to RETRY_DELAYS_MS). */
  retryDelaysMs?: readonly number[];
}

/**
 * Waits before the second and third tries. A first visit's downloads can meet a moment when the
 * connection drops or the server is swamped; a try made at once lands in the same moment and
 * fails the same way, so the tries are spread over a few seconds.
 */
export const RETRY_DELAYS_MS: readonly number[] = [500, 2000];

/** Reads and checks `index.json` under `baseUrl` (a folder URL, trailing slash optional). */
export async function fetchMnistIndex(baseUrl: string | URL, options: UrlLoadOptions = {}): Promise<MnistAssetIndex> {
  const url = new URL(MNIST_ASSET_INDEX_FILE, folderUrl(baseUrl));
  const bytes = await fetchBytes(url, options.fetch ?? fetch, options.retryDelaysMs ?? RETRY_DELAYS_MS);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new MnistFormatError(url.href, `is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return checkAssetIndex(json, url.href);
}

/** Loads one split of the MNIST assets published under `baseUrl`. */
export async function loadMnistFromUrl(
  baseUrl: string | URL,
  split: MnistSplit,
  options: UrlLoadOptions = {},
): Promise<MnistDataset> {
  const base = folderUrl(baseUrl);
  const doFetch = options.fetch ?? fetch;
  const index = await fetchMnistIndex(base, options);
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  return datasetFromAssets(index, split, (file) => fetchBytes(new URL(file, base), doFetch, delays), options);
}

/** Resolves relative URLs against the page when there is one, and ensures a trailing slash. */
function folderUrl(baseUrl: string | URL): URL {
  const pageBase = typeof location !== 'undefined' ? location.href : undefined;
  const url = new URL(baseUrl, pageBase);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** A failure that asking again may cure: no answer, a body cut off, or a server error (5xx). */
class TransientFetchError extends Error {}

/**
 * Fetches a file, asking again after a failure that may pass, with a wait before each new try
 * (`delays`). Every widget of a page shares one load of the digits, which is not retried until
 * assets-base changes, so giving up early leaves the whole page without digits. A 404 or a bad
 * file fails at once: the same request would get the same answer.
 */
async function fetchBytes(url: URL, doFetch: typeof fetch, delays: readonly number[]): Promise<Uint8Array> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchBytesOnce(url, doFetch);
    } catch (error) {
      if (!(error instanceof TransientFetchError) || attempt >= delays.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}

async function fetchBytesOnce(url: URL, doFetch: typeof fetch): Promise<Uint8Array> {
  const failed = (error: unknown): TransientFetchError =>
    new TransientFetchError(`Could not load ${url.href}: ${error instanceof Error ? error.message : String(error)}`);
  let response: Response;
  try {
    response = await doFetch(url.href);
  } catch (error) {
    throw failed(error);
  }
  if (!response.ok) {
    const message = `Could not load ${url.href}: HTTP ${response.status} ${response.statusText}`;
    throw response.status >= 500 ? new TransientFetchError(message) : new Error(message);
  }
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw failed(error);
  }
}
