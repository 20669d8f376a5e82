/** Test page for <diffusion-score-field>: loads the widget and records the events it fires. */
import '../../../src/components/diffusion-score-field';

interface RecordedEvent {
  type: string;
  detail: unknown;
}

const events: RecordedEvent[] = [];
const types = ['diffusion-ready', 'diffusion-progress', 'diffusion-change', 'diffusion-error', 'score-field-trained', 'score-field-sampled'];
for (const type of types) {
  document.addEventListener(type, (event) => events.push({ type, detail: (event as CustomEvent).detail }));
}
(window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents = events;

/**
 * Long tasks seen by the page (PerformanceObserver 'longtask': main-thread tasks over 50 ms), so
 * tests can check that training and particles never block the page.
 */
const longTasks: number[] = [];
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
} catch {
  // Not supported: the list stays empty.
}
(window as unknown as { longTasks: number[] }).longTasks = longTasks;
