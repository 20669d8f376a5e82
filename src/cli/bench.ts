/**
 * npm run bench -- [--hosts node,browser] [--backends wasm,cpu,webgl,webgpu] [--presets tiny,small]
 *                  [--step trainer|adam] [--steps 5] [--warmup 2] [--batch 64] [--max-seconds 120]
 *                  [--isolated] [--workers 1,2] [--batch-per-worker]
 *
 * A benchmark, not a test: prints one JSON object per line on stdout.
 * - {"what":"matmul",...}: float32 1024×1024 matMul throughput of a backend (on wasm with the
 *   size of its thread pool: more than 1 only in a cross-origin-isolated page, --isolated);
 * - {"what":"train","host","backend","preset","step","batch","params","flopsPerStep","stepMs","gflops",
 *   "matmulGflops","ratio"}: median time of one training step (--step trainer, the default: the
 *   course's Trainer step with clipping, Adam and EMA; --step adam: plain Adam on the ε-prediction
 *   MSE), with flopsPerStep = 3 × forward FLOPs × batch (backward ≈ 2 × forward) and
 *   ratio = gflops / matmulGflops, where matmulGflops also samples one product after every timed
 *   step, so a load that changes during the run weighs on both alike;
 *   In Node the train and matmul lines also carry cpuStepMs / cpuMatmulGflops / cpuRatio (and
 *   cpuGflops): the same measurements on process CPU time, steadier on a busy shared machine;
 * - {"what":"workers","host":"node","backend","preset","batch","workers","stepMs","imagesPerSecond","ratio",...}:
 *   data-parallel training (the Trainer step with the batch shared by worker threads) with 1, 2, …
 *   workers (--workers, default 1 up to the cores, at most 4) and images/s relative to one worker,
 *   on wasm: worker threads in Node, Web Workers in the browser (bench-workers.ts);
 * - {"what":"leak",...}: tf.memory().numTensors before and after, and per-step growth;
 * - {"what":"skip",...} / {"what":"error",...}: what was not measured and why.
 * - with --live (bench-live.ts): {"what":"live-start","backend","choice","readySeconds"}, then per
 *   minute of training {"what":"live","minute","trainingSeconds","step","imagesPerSecond","workers",
 *   "backend","accuracy","fid","floorFid","fidRatio",...}: the trainer widget's default run.
 * Node offers wasm and cpu, and webgpu when named and the optional `webgpu` package (Dawn) and a GPU
 * driver are installed (src/backend/node-webgpu.ts); the browser (headless Chromium, Vite dev
 * server) webgpu, webgl, wasm.
 */
import { parseArgs } from 'node:util';
import { setupBackend } from '../backend/node';
import { measureBackend, type BenchLine } from './bench-measure';
import { parseBenchSettings } from './bench-options';
import { defaultWorkerCounts, measureWorkers } from './bench-workers';
import { startThreadReplicas } from './worker-thread-replicas';
import { availableParallelism } from 'node:os';

const USAGE = `Usage: npm run bench -- [--hosts node,browser] [--backends NAMES] [--presets tiny,small,base]
                        [--step trainer|adam] [--steps N] [--warmup N] [--batch B] [--max-seconds S] [--isolated]
                        [--workers 1,2,...] [--batch-per-worker]
       npm run bench -- --live [--minutes 3] [--every 60] [--n 200] [--out DIR]
Defaults: all hosts; Node: wasm,cpu; browser: webgpu,webgl,wasm; presets tiny,small; the Trainer step; 5 steps after
2 warm-up steps; batch 64; presets estimated to take longer than 120 s on a backend are skipped.
--workers lists the worker counts of the data-parallel lines (wasm; default 1 up to the cores,
at most 4; 0 leaves them out). With --batch-per-worker each worker gets --batch rows, so n workers
train a batch n times as large (the live recipe's rule) and the ratio compares images/s.
--isolated serves the browser page with COOP/COEP headers (cross-origin isolated), so wasm may
use its threaded build.
--live trains the trainer widget's default run in headless Chromium from a cold start and prints a
line every --every seconds of training (paused while scored): the reference classifier's accuracy on
--n samples at guidance w = 2 (DDIM 50), their classifier-FID and the real-image floor, images/s,
workers and backend; --out keeps each mark's checkpoint.`;

const NODE_BACKENDS = ['wasm', 'cpu'];
/** Offered by Node only when named: they need an optional package (see setupBackend in ../backend/node). */
const NODE_BACKENDS_ON_REQUEST = ['webgpu'];
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

function parseWorkerCounts(raw: string | undefined): number[] {
  if (raw === undefined) return defaultWorkerCounts(availableParallelism());
  if (raw.trim() === '0') return [];
  const counts = raw.split(',').map((s) => Number(s.trim()));
  for (const n of counts) if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--workers takes counts from 1 to 64, got "${raw}"`);
  return [...new Set(counts)].sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string' },
      backends: { type: 'string' },
      presets: { type: 'string' },
      step: { type: 'string' },
      steps: { type: 'string' },
      warmup: { type: 'string' },
      batch: { type: 'string' },
      'max-seconds': { type: 'string' },
      'batch-per-worker': { type: 'boolean' },
      isolated: { type: 'boolean' },
      workers: { type: 'string' },
      live: { type: 'boolean' },
      minutes: { type: 'string' },
      every: { type: 'string' },
      n: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.live) {
    const number = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
      const v = raw === undefined ? fallback : Number(raw);
      if (!(Number.isFinite(v) && v >= min && v <= max)) throw new Error(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
      return v;
    };
    const { runLiveBench } = await import('./bench-live');
    await runLiveBench(
      {
        minutes: number('minutes', values.minutes, 3, 0.1, 120),
        every: number('every', values.every, 60, 5, 3600),
        n: Math.round(number('n', values.n, 200, 10, 10000)),
        guidance: 2,
        out: values.out ?? null,
      },
      (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
    );
    return;
  }
  const hosts = list(values.hosts, ['node', 'browser'], ['node', 'browser'], 'host');
  const requested = values.backends === undefined ? null : list(values.backends, [], ['webgpu', 'webgl', 'wasm', 'cpu'], 'backend');
  const settings = parseBenchSettings({
    presets: values.presets,
    step: values.step,
    steps: values.steps,
    warmup: values.warmup,
    batch: values.batch,
    maxSeconds: values['max-seconds'],
    batchPerWorker: values['batch-per-worker'] === true ? 'true' : undefined,
  });

  const workerCounts = parseWorkerCounts(values.workers);

  if (hosts.includes('node')) {
    for (const name of requested ?? NODE_BACKENDS) {
      if (!NODE_BACKENDS.includes(name) && !NODE_BACKENDS_ON_REQUEST.includes(name)) {
        emit({ what: 'skip', host: 'node', backend: name, reason: `${name} is not available in Node (Node offers ${[...NODE_BACKENDS, ...NODE_BACKENDS_ON_REQUEST].join(', ')})` });
        continue;
      }
      try {
        const { backend, reason } = await setupBackend(name, { strict: true });
        process.stderr.write(`node: ${reason}\n`);
        await measureBackend('node', backend, settings, emit, processCpuMs);
        if (backend === 'wasm' && workerCounts.length > 0) {
          const host = { host: 'node' as const, cores: availableParallelism(), startReplicas: startThreadReplicas, cpuClock: processCpuMs };
          await measureWorkers(host, backend, settings, workerCounts, emit);
        }
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
      // Loaded only here: it starts Vite and Chromium, which a Node-only run does not need.
      const { runBrowserBench } = await import('./bench-browser');
      await runBrowserBench(backends, settings, emit, timeoutMs, { isolated: values.isolated === true, workers: workerCounts });
    } catch (error) {
      emit({ what: 'error', host: 'browser', message: error instanceof Error ? error.message : String(error) });
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exitCode = 1;
});
