/**
 * Browser side of `npm run bench`: runs the same measurements as Node (bench-measure.ts) for
 * each backend named in the URL and reports every result line on the console as
 * "BENCH {json}" (read by bench-browser.ts) and on the page.
 */
import { setupBackend } from '../backend';
import { measureBackend, type BenchLine } from './bench-measure';
import { parseBenchSettings } from './bench-options';
import { measureWorkers } from './bench-workers';
import type { BackendName } from '../backend/names';
import { startWebWorkerReplicas } from '../lab/browser/web-worker-replicas';

declare global {
  interface Window {
    __benchDone?: boolean;
  }
}

const params = new URLSearchParams(location.search);
const out = document.getElementById('out');

function emit(line: BenchLine): void {
  const text = JSON.stringify(line);
  console.log(`BENCH ${text}`);
  if (out) out.textContent += `${text}\n`;
}

async function main(): Promise<void> {
  const settings = parseBenchSettings({
    presets: params.get('presets') ?? undefined,
    step: params.get('step') ?? undefined,
    steps: params.get('steps') ?? undefined,
    batch: params.get('batch') ?? undefined,
    batchPerWorker: params.get('batchPerWorker') ?? undefined,
    warmup: params.get('warmup') ?? undefined,
    maxSeconds: params.get('maxSeconds') ?? undefined,
  });
  const backends = (params.get('backends') ?? 'webgpu,webgl,wasm').split(',').filter(Boolean);
  // Data-parallel lines (bench-workers.ts): the counts bench.ts passes, none without.
  const workerCounts = (params.get('workers') ?? '').split(',').filter(Boolean).map(Number);
  for (const name of backends) {
    let backend: string;
    try {
      backend = (await setupBackend(name, { strict: true })).backend;
    } catch (error) {
      emit({ what: 'skip', host: 'browser', backend: name, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    await measureBackend('browser', backend, settings, emit);
    if (backend === 'wasm' && workerCounts.length > 0) {
      const host = { host: 'browser' as const, cores: navigator.hardwareConcurrency ?? 1, startReplicas: (count: number, b: string) => startWebWorkerReplicas(count, { backend: b as BackendName }) };
      await measureWorkers(host, backend, settings, workerCounts, emit);
    }
  }
}

main()
  .catch((error) => emit({ what: 'error', host: 'browser', message: error instanceof Error ? error.message : String(error) }))
  .finally(() => {
    window.__benchDone = true;
  });
