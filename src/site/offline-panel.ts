/**
 * The "Keep this course offline" panel in the footer of the course index and of every lesson
 * (`<section data-keep-offline hidden>` in the page). Pages are kept as they are read; this control
 * downloads the rest: it states the size first (from the build's file list, through the service
 * worker), shows files and bytes on a labelled <progress>, can be cancelled, stops with a message
 * naming the file that failed, and says when the whole course works offline.
 */
import { registerServiceWorker, type OfflineWorker } from './offline';
import { formatBytes } from './offline/course-files';
import { keepCourse, type KeepOutcome, type KeepProgress, type MissingFile } from './offline/keep-course';
import type { StatusReply } from './offline/messages';

interface PanelParts {
  intro: HTMLParagraphElement;
  button: HTMLButtonElement;
  progressRow: HTMLDivElement;
  label: HTMLLabelElement;
  progress: HTMLProgressElement;
  message: HTMLParagraphElement;
}

function buildPanel(section: HTMLElement): PanelParts {
  const doc = section.ownerDocument;
  const heading = doc.createElement('h2');
  heading.id = 'keep-offline-heading';
  heading.className = 'offline-panel__title';
  heading.textContent = 'Keep this course offline';
  section.setAttribute('aria-labelledby', heading.id);
  const intro = doc.createElement('p');
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'offline-panel__button';
  const progressRow = doc.createElement('div');
  progressRow.className = 'offline-panel__progress';
  progressRow.hidden = true;
  const progress = doc.createElement('progress');
  progress.id = 'keep-offline-progress';
  const label = doc.createElement('label');
  label.htmlFor = progress.id;
  progressRow.append(label, progress);
  const message = doc.createElement('p');
  message.className = 'offline-panel__message';
  message.setAttribute('role', 'status');
  section.replaceChildren(heading, intro, button, progressRow, message);
  return { intro, button, progressRow, label, progress, message };
}

const progressText = (p: KeepProgress): string =>
  `${p.files} of ${p.totalFiles} files, ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`;

function outcomeText(outcome: KeepOutcome, status: StatusReply): string {
  const kept = `${outcome.progress.files} of ${outcome.progress.totalFiles} files were kept and stay kept`;
  switch (outcome.kind) {
    case 'done':
      return `Done: the whole course (${status.files} files, ${formatBytes(status.bytes)}) now works offline in this browser.`;
    case 'cancelled':
      return `Cancelled. ${kept}; press the button again to fetch the rest.`;
    case 'failed':
      return `Stopped: ${new URL(outcome.url).pathname} could not be downloaded (${outcome.reason}). ${kept}; check the connection and press the button again to fetch the rest.`;
  }
}

/**
 * What every page of the site runs once it has loaded: registers the service worker and fills the
 * panel. Imported lazily by the pages' entry scripts, so none of it (Workbox's window module
 * included) is part of a page's first load.
 */
export function startOfflineCopy(): void {
  setUpOfflinePanel(registerServiceWorker());
}

/** Fills the panel and wires it to the worker; `worker` is null where there is no service worker. */
export function setUpOfflinePanel(worker: OfflineWorker | null, doc: Document = document): void {
  const section = doc.querySelector<HTMLElement>('[data-keep-offline]');
  if (!section || !import.meta.env.PROD) return;
  const parts = buildPanel(section);
  section.hidden = false;
  if (!worker) {
    parts.intro.textContent = 'This browser cannot keep the course for offline reading (it has no service workers); the pages still work online.';
    parts.button.hidden = true;
    return;
  }
  let running: AbortController | null = null;

  const showStatus = (reply: StatusReply): void => {
    if (running) return;
    const missing = reply.missing.reduce((sum, file) => sum + file.bytes, 0);
    parts.button.textContent = 'Keep this course offline';
    parts.button.disabled = false;
    if (reply.missing.length === 0) {
      parts.intro.textContent = `The whole course (${reply.files} files, ${formatBytes(reply.bytes)}) works offline in this browser.`;
      parts.button.hidden = true;
      return;
    }
    parts.button.hidden = false;
    parts.intro.textContent =
      `Pages you read are kept for offline reading. To have every lesson without a connection, keep the whole course: ` +
      `${reply.files} files, ${formatBytes(reply.bytes)} in all, of which ${formatBytes(missing)} (${reply.missing.length} files) are still to download.`;
  };

  const refresh = (): Promise<void> =>
    worker.status().then(showStatus, (error: unknown) => {
      parts.intro.textContent = `The offline copy is unavailable: ${error instanceof Error ? error.message : String(error)}.`;
      parts.button.hidden = true;
    });

  const start = async (): Promise<void> => {
    running = new AbortController();
    parts.button.disabled = true;
    // Asked afresh: pages read since the panel was filled are kept already.
    let current: StatusReply;
    try {
      current = await worker.status();
    } catch (error) {
      running = null;
      parts.message.textContent = `The offline copy is unavailable: ${error instanceof Error ? error.message : String(error)}.`;
      return;
    }
    parts.button.disabled = false;
    parts.button.textContent = 'Cancel';
    parts.progressRow.hidden = false;
    parts.message.textContent = `Keeping the course offline: ${formatBytes(current.missing.reduce((s, f) => s + f.bytes, 0))} to download.`;
    const outcome = await keepCourse(current.missing as MissingFile[], {
      keep: (urls) => worker.keep(urls, false),
      signal: running.signal,
      onProgress: (p) => {
        parts.label.textContent = `Downloading: ${progressText(p)}`;
        parts.progress.max = Math.max(p.totalBytes, 1);
        parts.progress.value = p.bytes;
      },
    });
    running = null;
    parts.progressRow.hidden = outcome.kind === 'done';
    parts.message.textContent = outcomeText(outcome, current);
    await refresh();
  };

  parts.intro.textContent = 'Checking what this browser already keeps…';
  parts.button.textContent = 'Keep this course offline';
  parts.button.disabled = true;
  parts.button.addEventListener('click', () => {
    if (running) {
      running.abort();
      parts.button.disabled = true;
      parts.button.textContent = 'Cancelling…';
      return;
    }
    void start();
  });
  void refresh();
  // Told again once this page's own files are kept (a first visit hands them over after loading).
  worker.onPageKept(() => {
    if (!running) void refresh();
  });
  // The footer is read last: by then this page's own files are kept, so the size is told again.
  if (typeof IntersectionObserver !== 'undefined') {
    new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !running) void refresh();
    }).observe(section);
  }
}
