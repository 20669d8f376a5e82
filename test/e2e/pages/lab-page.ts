/**
 * Test page for the page lab (test/e2e/lab.test.ts). Exposes the lab and a record of its events
 * on window and does no work of its own, so long tasks seen here are the lab's.
 */
import { getLab } from '../../../src/lab/browser/lab-client';
import type { Lab, LabStatus, TrainProgress } from '../../../src/lab/lab-api';
import type { BackendPreference } from '../../../src/backend/names';

interface LabTestWindow {
  getLab: typeof getLab;
  lab: Lab;
  progress: TrainProgress[];
  grids: Array<{ step: number; count: number; values: number; finite: boolean }>;
  trainErrors: string[];
  backendEvents: LabStatus[];
  longTasks: number[];
  watchLongTasks(): void;
}

const w = window as unknown as LabTestWindow;
const query = new URLSearchParams(location.search);
const backend = (query.get('backend') ?? 'wasm') as BackendPreference;
// ?workers=N: a fixed count of training workers (the lab's default is one per core).
const workers = query.has('workers') ? Number(query.get('workers')) : undefined;

w.getLab = getLab;
w.lab = getLab(workers === undefined ? { backend } : { backend, workers });
w.progress = [];
w.grids = [];
w.trainErrors = [];
w.backendEvents = [];
w.longTasks = [];
w.lab.addEventListener('train-progress', (e) => w.progress.push(e.detail));
w.lab.addEventListener('train-samples', (e) =>
  w.grids.push({ step: e.detail.step, count: e.detail.count, values: e.detail.images.length, finite: e.detail.images.every(Number.isFinite) }),
);
w.lab.addEventListener('train-error', (e) => w.trainErrors.push(e.detail.message));
w.lab.addEventListener('backend', (e) => w.backendEvents.push(e.detail));
w.watchLongTasks = () => {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
};
document.body.dataset.ready = 'true';
