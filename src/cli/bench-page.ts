/**
 * Browser side of `npm run bench`: runs the same measurements as Node (bench-measure.ts) for
 * each backend named in the URL and reports every result line on the console as
 * "BENCH {json}" (read by bench-browser.ts) and on the page.
 */
import { setupBackend } from '../backend';
import { measureBackend, type BenchLine } from './bench-measure';
import { parseBenchSettings } from './bench-options';

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
    warmup: params.get('warmup') ?? undefined,
    maxSeconds: params.get('maxSeconds') ?? undefined,
  });
  const backends = (params.get('backends') ?? 'webgpu,webgl,wasm').split(',').filter(Boolean);
  for (const name of backends) {
    let backend: string;
    try {
      backend = (await setupBackend(name, { strict: true })).backend;
    } catch (error) {
      emit({ what: 'skip', host: 'browser', backend: name, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    await measureBackend('browser', backend, settings, emit);
  }
}

main()
  .catch((error) => emit({ what: 'error', host: 'browser', message: error instanceof Error ? error.message : String(error) }))
  .finally(() => {
    window.__benchDone = true;
  });
