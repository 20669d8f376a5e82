/**
 * Test page for <diffusion-inpaint>: loads the widget, records the events it fires, and exposes the
 * page's lab (the one the widget uses) and a Long Tasks record.
 */
import '../../../src/components/diffusion-inpaint';
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
for (const type of ['diffusion-edited', 'diffusion-classified', 'diffusion-step', 'diffusion-paint', 'diffusion-change', 'diffusion-ready', 'diffusion-error']) {
  document.addEventListener(type, (event) => w.widgetEvents.push({ type, detail: (event as CustomEvent).detail }));
}
w.getLab = getLab;
