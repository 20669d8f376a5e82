/** Test page for <diffusion-forward>: loads the widget and records the events it fires. */
import '../../../src/components/diffusion-forward';

interface RecordedEvent {
  type: string;
  detail: unknown;
}

const events: RecordedEvent[] = [];
for (const type of ['diffusion-step', 'diffusion-change', 'diffusion-error', 'diffusion-ready']) {
  document.addEventListener(type, (event) => events.push({ type, detail: (event as CustomEvent).detail }));
}
(window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents = events;
