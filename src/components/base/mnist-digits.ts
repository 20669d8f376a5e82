/**
 * The MNIST test digits a widget shows, loaded from its `assets-base` folder (one download per
 * page through mnist-cache). A Lit reactive controller: it asks its widget to re-render when the
 * digits arrive, and reports a folder that cannot be loaded in the widget's error banner while
 * keeping the digits it had.
 */
import type { ReactiveController } from 'lit';
import type { MnistDataset } from '../../data/mnist';
import type { RawAttr } from './attributes';
import { DEFAULT_ASSETS_BASE, loadMnistShared, mnistFolderUrl } from './mnist-cache';
import type { DiffusionWidget } from './widget-base';

export class MnistDigits implements ReactiveController {
  /** The loaded test split, or null before it arrives. */
  digits: MnistDataset | null = null;
  /** The folder being loaded, or null when nothing is in flight. */
  loadingFrom: string | null = null;
  private base = DEFAULT_ASSETS_BASE;
  /** The folder whose last load failed: not retried until assets-base changes (the widget may clear its banner on any update). */
  private failedFolder: string | null = null;

  constructor(private readonly host: DiffusionWidget) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Call from willUpdate with the `assets-base` attribute: loads when it changed, or when nothing is loaded yet. */
  sync(assetsBase: RawAttr): void {
    const base = typeof assetsBase === 'string' && assetsBase.trim() !== '' ? assetsBase.trim() : DEFAULT_ASSETS_BASE;
    if (base !== this.base || (this.digits === null && this.loadingFrom === null && this.failedFolder === null && !this.host.errors.has('assets-base'))) {
      this.load(base);
    }
  }

  private load(base: string): void {
    let folder: string;
    try {
      folder = mnistFolderUrl(base);
    } catch {
      this.host.showError('assets-base', `assets-base="${base}" is not valid: use a URL of the folder that contains mnist/, such as "/assets/".`);
      return;
    }
    this.base = base;
    this.failedFolder = null;
    this.loadingFrom = folder;
    this.host.requestUpdate();
    loadMnistShared(base, 'test').then(
      (dataset) => {
        if (this.loadingFrom !== folder) return;
        this.loadingFrom = null;
        this.digits = dataset;
        this.host.clearError('assets-base');
        this.host.emit('diffusion-ready', { count: dataset.count });
        this.host.requestUpdate();
      },
      (error: unknown) => {
        if (this.loadingFrom !== folder) return;
        this.loadingFrom = null;
        this.failedFolder = folder;
        const reason = error instanceof Error ? error.message : String(error);
        const kept = this.digits ? 'Keeping the digits loaded before.' : 'Showing a drawn “2” instead.';
        this.host.showError(
          'assets-base',
          `Could not load the MNIST digits from ${folder} (${reason}). Set assets-base to the folder that contains mnist/ (now "${base}"). ${kept}`,
        );
        this.host.requestUpdate();
      },
    );
  }
}
