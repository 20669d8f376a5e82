/**
 * Test page for <diffusion-trainer>: loads the widget, records the events it fires, and exposes
 * the page's lab (the one the widget uses) and a Long Tasks record for the tests.
 */
import '../../../src/components/diffusion-trainer';
import { getLab } from '../../../src/lab/browser/lab-client';

interface RecordedEvent {
  type: string;
  detail: unknown;
}

interface TrainerTestWindow {
  widgetEvents: RecordedEvent[];
  getLab: typeof getLab;
  longTasks: number[];
  watchLongTasks(): void;
}

const w = window as unknown as TrainerTestWindow;
w.widgetEvents = [];
for (const type of ['diffusion-progress', 'diffusion-change', 'diffusion-error']) {
  document.addEventListener(type, (event) => w.widgetEvents.push({ type, detail: (event as CustomEvent).detail }));
}
w.getLab = getLab;
w.longTasks = [];
w.watchLongTasks = () => {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
};
