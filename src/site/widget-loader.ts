/**
 * Loads the widget modules a lesson page uses, and only those. Each widget module defines its
 * element when imported (`<diffusion-forward>` → src/components/diffusion-forward.ts), and each
 * becomes its own chunk in a build, so a page never downloads a widget it does not show and
 * tfjs (pulled in only by the widgets that train or sample, inside the lab worker) stays out of
 * the page's first load.
 *
 * A widget's module starts loading when the widget comes near the screen, or once the page has
 * settled (idle), whichever comes first: the text and the light charts get the network first.
 */

type Loader = () => Promise<unknown>;

/** Every widget module in src/components, by tag. Vite turns the glob into lazy imports. */
const modules = import.meta.glob<unknown>('../components/diffusion-*.ts');

export function widgetLoaders(): Map<string, Loader> {
  const loaders = new Map<string, Loader>();
  for (const [path, load] of Object.entries(modules)) {
    const tag = /\/(diffusion-[a-z0-9-]+)\.ts$/.exec(path)?.[1];
    if (tag) loaders.set(tag, load);
  }
  return loaders;
}

export interface WidgetLoadReport {
  tag: string;
  ok: boolean;
  error?: string;
}

/** How far outside the screen a widget may be when its module starts loading. */
const NEAR_SCREEN = '100% 0px 100% 0px';

/**
 * Starts loading the module of every widget tag found under `root`. Resolves with one report per
 * tag once every load has finished (or failed: a failed widget is reported in its own place and
 * the rest of the page keeps working).
 */
export function loadWidgets(root: ParentNode = document): Promise<WidgetLoadReport[]> {
  const loaders = widgetLoaders();
  const byTag = new Map<string, Element[]>();
  for (const element of root.querySelectorAll('*')) {
    if (!element.localName.startsWith('diffusion-')) continue;
    const list = byTag.get(element.localName) ?? [];
    list.push(element);
    byTag.set(element.localName, list);
  }

  const jobs = [...byTag].map(
    ([tag, elements]) =>
      new Promise<WidgetLoadReport>((resolveReport) => {
        const load = loaders.get(tag);
        if (!load) {
          showWidgetFailure(elements, `This page asks for <${tag}>, which this version of the site does not have.`);
          resolveReport({ tag, ok: false, error: 'no module' });
          return;
        }
        let started = false;
        let observer: IntersectionObserver | null = null;
        const start = (): void => {
          if (started) return;
          started = true;
          observer?.disconnect();
          load().then(
            () => resolveReport({ tag, ok: true }),
            (error: unknown) => {
              const message = error instanceof Error ? error.message : String(error);
              showWidgetFailure(elements, `This figure could not load (${message}). Reloading the page may help.`);
              resolveReport({ tag, ok: false, error: message });
            },
          );
        };
        if ('IntersectionObserver' in window) {
          observer = new IntersectionObserver((entries) => {
            if (entries.some((entry) => entry.isIntersecting)) start();
          }, { rootMargin: NEAR_SCREEN });
          for (const element of elements) observer.observe(element);
        }
        whenSettled(start);
      }),
  );
  return Promise.all(jobs);
}

/** Runs `work` after the page's load event and a moment of idle time. */
function whenSettled(work: () => void): void {
  const idle = (): void => {
    if ('requestIdleCallback' in window) window.requestIdleCallback(work, { timeout: 2000 });
    else setTimeout(work, 200);
  };
  if (document.readyState === 'complete') idle();
  else window.addEventListener('load', idle, { once: true });
}

function showWidgetFailure(elements: readonly Element[], message: string): void {
  for (const element of elements) {
    const note = document.createElement('p');
    note.className = 'widget-failure';
    note.setAttribute('role', 'alert');
    note.textContent = message;
    element.after(note);
  }
}
