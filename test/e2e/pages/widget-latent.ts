/**
 * Test page for <diffusion-latent> and <diffusion-bias>: loads both widgets, records the events
 * they fire, and exposes the page's lab (the one the widgets use) for tensor counts.
 */
import '../../../src/components/diffusion-latent';
import '../../../src/components/diffusion-bias';
import { getLab } from '../../../src/lab/browser/lab-client';

interface RecordedEvent {
  type: string;
  target: string;
  detail: unknown;
}

const w = window as unknown as { widgetEvents: RecordedEvent[]; getLab: typeof getLab };
w.widgetEvents = [];
for (const type of ['diffusion-sampled', 'diffusion-change', 'diffusion-error']) {
  document.addEventListener(type, (event) =>
    w.widgetEvents.push({ type, target: (event.target as Element).tagName.toLowerCase(), detail: (event as CustomEvent).detail }),
  );
}
w.getLab = getLab;
