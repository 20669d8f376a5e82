/**
 * One download per page: every widget that shows MNIST digits from the same assets folder shares
 * the same promise. A failed load is forgotten, so fixing `assets-base` (or the network) retries.
 */
import type { MnistDataset } from '../../data/mnist';
import type { MnistSplit } from '../../data/mnist-assets';
import { loadMnistFromUrl } from '../../data/mnist-url';

const cache = new Map<string, Promise<MnistDataset>>();

/** Default folder that holds `mnist/` (the Vite dev server and the build both serve it here). */
export const DEFAULT_ASSETS_BASE = '/assets/';

/** The absolute URL of the `mnist/` folder under `assetsBase` (relative to the page). */
export function mnistFolderUrl(assetsBase: string): string {
  const pageBase = typeof document !== 'undefined' ? document.baseURI : undefined;
  const base = new URL(assetsBase.endsWith('/') ? assetsBase : `${assetsBase}/`, pageBase);
  return new URL('mnist/', base).href;
}

/** Loads (once) one split of the MNIST assets under `assetsBase`. */
export function loadMnistShared(assetsBase: string, split: MnistSplit): Promise<MnistDataset> {
  const folder = mnistFolderUrl(assetsBase);
  const key = `${folder}#${split}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = loadMnistFromUrl(folder, split);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
