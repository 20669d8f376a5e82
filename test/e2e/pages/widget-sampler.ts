/**
 * Test page for <diffusion-sampler>: loads the widget, records the events it fires, and exposes
 * the page's lab (the one the widget uses) so a test can train a tiny model to sample from, and a
 * Long Tasks record.
 */
import '../../../src/components/diffusion-sampler';
import { getLab } from '../../../src/lab/browser/lab-client';

interface RecordedEvent {
  type: string;
  detail: unknown;
}

const w = window as unknown as { widgetEvents: RecordedEvent[]; getLab: typeof getLab; longTasks: number[]; watchLongTasks(): void };
w.widgetEvents = [];
w.longTasks = [];
w.watchLongTasks = () => {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
};
for (const type of ['diffusion-sampled', 'diffusion-step', 'diffusion-change', 'diffusion-error']) {
  document.addEventListener(type, (event) => w.widgetEvents.push({ type, detail: (event as CustomEvent).detail }));
}
w.getLab = getLab;
