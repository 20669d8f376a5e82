/**
 * npx tsx src/cli/bench-profile.ts [--backend wasm] [--preset small] [--batch 128] [--step trainer|adam]
 *                                   [--steps 3] [--warmup 2] [--top 0]
 *
 * Where a training step's time goes: the same step as `npm run bench` (bench-step.ts), with every
 * kernel of the backend wrapped in a timer (process CPU time, steadier than wall time on a shared
 * machine). Kernels called from inside other kernels count towards their caller. Prints one JSON
 * line per group of kernels (conv forward, input and filter gradients, matrix products,
 * GroupNorm, ...), per kernel, and optionally the `--top` most expensive kernel + shape
 * combinations, then a summary line with the step time outside any kernel (tfjs's engine: tape,
 * bookkeeping, garbage collection).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../backend/node';
import { PRESETS, PRESET_NAMES, UNet, type PresetName } from '../model';
import { EpsilonTrainStep, TrainerBenchStep, type BenchStep } from './bench-step';

/** Kernel name → group shown in the profile. */
const GROUPS: Array<[RegExp, string]> = [
  [/^(Conv2D|FusedConv2D)$/, 'conv forward'],
  [/^Conv2DBackpropInput$/, 'conv input gradient'],
  [/^Conv2DBackpropFilter$/, 'conv filter gradient'],
  [/^(BatchMatMul|_FusedMatMul)$/, 'matrix products (dense, attention)'],
  [/GroupNorm/, 'GroupNorm (fused)'],
  [/^(Sigmoid|DiffusionLabSiluGrad)$/, 'SiLU (σ, fused gradient)'],
  [/^(Add|Sub|Multiply|RealDiv|SquaredDifference|Neg|Rsqrt|Sqrt|Square)$/, 'element-wise arithmetic'],
  [/^(Sum|Mean|Max|Softmax)$/, 'reductions, softmax'],
  [/^(Concat|SplitV|Slice|PadV2|Transpose|Tile)$/, 'copies (concat, split, pad, transpose)'],
  [/Adam/, 'Adam update'],
  [/^(Identity|Cast|Reshape)$/, 'identity, cast, reshape'],
];

function groupOf(kernel: string): string {
  for (const [re, name] of GROUPS) if (re.test(kernel)) return name;
  return 'other';
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Tally {
  calls: number;
  ms: number;
}

function add(map: Map<string, Tally>, key: string, ms: number): void {
  const t = map.get(key) ?? { calls: 0, ms: 0 };
  t.calls += 1;
  t.ms += ms;
  map.set(key, t);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      preset: { type: 'string', default: 'small' },
      batch: { type: 'string', default: '128' },
      step: { type: 'string', default: 'trainer' },
      steps: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '2' },
      top: { type: 'string', default: '0' },
    },
  });
  const preset = values.preset as PresetName;
  if (!PRESET_NAMES.includes(preset)) throw new Error(`unknown preset "${preset}"; allowed: ${PRESET_NAMES.join(', ')}`);
  const batch = Number(values.batch);
  const steps = Number(values.steps);
  const warmup = Number(values.warmup);
  const top = Number(values.top);
  const { backend } = await setupBackend(values.backend ?? 'wasm', { strict: true });

  const byKernel = new Map<string, Tally>();
  const byShape = new Map<string, Tally>();
  let recording = false;
  let depth = 0;
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    const timed = ((args: Parameters<tf.KernelFunc>[0]) => {
      if (!recording || depth > 0) return inner(args);
      depth++;
      const start = cpuMs();
      try {
        return inner(args);
      } finally {
        depth--;
        const ms = cpuMs() - start;
        add(byKernel, config.kernelName, ms);
        if (top > 0) {
          const shapes = Object.values(args.inputs as Record<string, tf.TensorInfo | undefined>).map((t) => (t ? `[${t.shape.join(',')}]` : '-'));
          add(byShape, `${config.kernelName} ${shapes.join(' ')}`, ms);
        }
      }
    }) as tf.KernelFunc;
    tf.registerKernel({ ...config, kernelFunc: timed });
  }

  if (values.step !== 'trainer' && values.step !== 'adam') throw new Error(`--step must be trainer or adam, got "${values.step}"`);
  const config = PRESETS[preset];
  const model = new UNet(config, 1);
  const ema = values.step === 'trainer' ? new UNet(config, 1) : null;
  const stepOptions = { batch, imageSize: config.imageSize, channels: config.channels, numClasses: config.numClasses };
  const trainStep: BenchStep = ema ? new TrainerBenchStep(model, ema, stepOptions) : new EpsilonTrainStep(model, stepOptions);
  const run = () => trainStep.run();
  try {
    for (let i = 0; i < warmup; i++) await run();
    recording = true;
    const start = cpuMs();
    for (let i = 0; i < steps; i++) await run();
    const stepMs = (cpuMs() - start) / steps;
    recording = false;

    const out = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
    const round = (x: number) => Math.round(x * 100) / 100;
    const groups = new Map<string, Tally>();
    for (const [k, t] of byKernel) {
      const g = groups.get(groupOf(k)) ?? { calls: 0, ms: 0 };
      g.calls += t.calls;
      g.ms += t.ms;
      groups.set(groupOf(k), g);
    }
    const sorted = (m: Map<string, Tally>) => [...m].sort((a, b) => b[1].ms - a[1].ms);
    for (const [group, t] of sorted(groups)) out({ what: 'group', group, calls: t.calls / steps, ms: round(t.ms / steps), share: round((t.ms / steps / stepMs) * 100) });
    for (const [kernel, t] of sorted(byKernel)) out({ what: 'kernel', kernel, group: groupOf(kernel), calls: t.calls / steps, ms: round(t.ms / steps) });
    for (const [key, t] of sorted(byShape).slice(0, top)) out({ what: 'shape', key, calls: t.calls / steps, ms: round(t.ms / steps) });
    const inKernels = [...byKernel.values()].reduce((s, t) => s + t.ms, 0) / steps;
    const calls = [...byKernel.values()].reduce((s, t) => s + t.calls, 0) / steps;
    out({ what: 'step', backend, preset, step: values.step, batch, steps, cpuStepMs: round(stepMs), inKernelsMs: round(inKernels), outsideKernelsMs: round(stepMs - inKernels), kernelCalls: calls });
  } finally {
    trainStep.dispose();
    model.dispose();
    ema?.dispose();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
