/**
 * npm run bench -- [--hosts node,browser] [--backends wasm,cpu,webgl,webgpu] [--presets tiny,small]
 *                  [--steps 5] [--warmup 2] [--batch 64] [--max-seconds 120]
 *
 * A benchmark, not a test: prints one JSON object per line on stdout.
 * - {"what":"matmul",...}: float32 1024×1024 matMul throughput of a backend;
 * - {"what":"train","host","backend","preset","batch","params","flopsPerStep","stepMs","gflops",
 *   "matmulGflops","ratio"}: median step time of a plain Adam step on the ε-prediction MSE, with
 *   flopsPerStep = 3 × forward FLOPs × batch (backward ≈ 2 × forward) and ratio = gflops / matmulGflops;
 *   In Node the train and matmul lines also carry cpuStepMs / cpuMatmulGflops / cpuRatio (and
 *   cpuGflops): the same measurements on process CPU time, steadier on a busy shared machine;
 * - {"what":"leak",...}: tf.memory().numTensors before and after, and per-step growth;
 * - {"what":"skip",...} / {"what":"error",...}: what was not measured and why.
 * Node offers wasm and cpu; the browser (headless Chromium, Vite dev server) webgpu, webgl, wasm.
 */
import { parseArgs } from 'node:util';
import { setupBackend } from '../backend/node';
import { measureBackend, type BenchLine } from './bench-measure';
import { parseBenchSettings } from './bench-options';
import { runBrowserBench } from './bench-browser';

const USAGE = `Usage: npm run bench -- [--hosts node,browser] [--backends NAMES] [--presets tiny,small,base]
                        [--steps N] [--warmup N] [--batch B] [--max-seconds S]
Defaults: all hosts; Node: wasm,cpu; browser: webgpu,webgl,wasm; presets tiny,small; 5 steps after
2 warm-up steps; batch 64; presets estimated to take longer than 120 s on a backend are skipped.`;

const NODE_BACKENDS = ['wasm', 'cpu'];
const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm'];

/** CPU time of this process in ms: robust to other processes on a shared machine. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function emit(line: BenchLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function list(raw: string | undefined, fallback: string[], allowed: string[], name: string): string[] {
  const values = raw === undefined ? fallback : raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const v of values) if (!allowed.includes(v)) throw new Error(`unknown ${name} "${v}"; allowed: ${allowed.join(', ')}`);
  return values;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string' },
      backends: { type: 'string' },
      presets: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      batch: { type: 'string' },
      'max-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const hosts = list(values.hosts, ['node', 'browser'], ['node', 'browser'], 'host');
  const requested = values.backends === undefined ? null : list(values.backends, [], ['webgpu', 'webgl', 'wasm', 'cpu'], 'backend');
  const settings = parseBenchSettings({
    presets: values.presets,
    steps: values.steps,
    warmup: values.warmup,
    batch: values.batch,
    maxSeconds: values['max-seconds'],
  });

  if (hosts.includes('node')) {
    for (const name of requested ?? NODE_BACKENDS) {
      if (!NODE_BACKENDS.includes(name)) {
        emit({ what: 'skip', host: 'node', backend: name, reason: `${name} is not available in Node (Node offers ${NODE_BACKENDS.join(', ')})` });
        continue;
      }
      try {
        const { backend } = await setupBackend(name, { strict: true });
        await measureBackend('node', backend, settings, emit, processCpuMs);
      } catch (error) {
        emit({ what: 'error', host: 'node', backend: name, message: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  if (hosts.includes('browser')) {
    const backends = requested ?? BROWSER_BACKENDS;
    // Generous: warm-up and shader compilation on software GPUs take minutes.
    const timeoutMs = (backends.length * settings.presets.length * settings.maxSeconds + 300) * 1000;
    try {
      await runBrowserBench(backends, settings, emit, timeoutMs);
    } catch (error) {
      emit({ what: 'error', host: 'browser', message: error instanceof Error ? error.message : String(error) });
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exitCode = 1;
});
