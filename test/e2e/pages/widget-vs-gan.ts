/**
 * Test page for <diffusion-vs-gan>: loads the widget and records the events it fires, plus the
 * page's long tasks for responsiveness checks.
 */
import '../../../src/components/diffusion-vs-gan';

interface RecordedEvent {
  type: string;
  detail: unknown;
}

interface VsGanTestWindow {
  widgetEvents: RecordedEvent[];
  longTasks: number[];
}

const w = window as unknown as VsGanTestWindow;
w.widgetEvents = [];
for (const type of ['vs-gan-progress', 'vs-gan-state', 'diffusion-change', 'diffusion-error']) {
  document.addEventListener(type, (event) => w.widgetEvents.push({ type, detail: (event as CustomEvent).detail }));
}
w.longTasks = [];
if (typeof PerformanceObserver === 'function' && PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
}
