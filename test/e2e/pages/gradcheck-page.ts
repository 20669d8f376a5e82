/**
 * Browser side of test/e2e/gradcheck.test.ts: gradients of every U-Net op (and optionally the
 * tiny U-Net at batch 2) on the backend named by ?backend=, against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { setupBackend, type BackendSetup } from '../../../src/backend';
import { checkSimdKernels } from '../../../src/backend/kernels/simd/all-kernels';
import { OP_GRADIENT_CASES, compareBackends, compareModelGradients, type CaseComparison } from '../../../src/backend/gradcheck';
import { PRESETS, UNet } from '../../../src/model';

export interface GradcheckResult {
  backend: string;
  /** What setupBackend reported for the requested backend. */
  setup: BackendSetup | null;
  ops: CaseComparison[];
  model: { lossError: number; maxError: number; worst: string; leakedTensors: number; variables: number } | null;
  /** On wasm: the generated SIMD kernels that this browser could not compile (empty: all run). */
  simd?: { failed: string[]; problem: string | null };
  error?: string;
}

declare global {
  interface Window {
    gradcheck?: GradcheckResult;
  }
}

const params = new URLSearchParams(location.search);
const requested = params.get('backend') ?? 'webgl';

async function run(): Promise<GradcheckResult> {
  await setupBackend('cpu', { strict: true });
  const setup = await setupBackend(requested, { strict: true });
  const { backend } = setup;
  const simd = backend === 'wasm' ? checkSimdKernels(tf.backend() as unknown as BackendWasm) : undefined;
  if (params.get('ops') === '0') return { backend, setup, ops: [], model: null, simd };
  const ops = await compareBackends(OP_GRADIENT_CASES, backend, 'cpu');
  let model: GradcheckResult['model'] = null;
  if (params.get('model') === '1') {
    const r = await compareModelGradients(
      () => new UNet(PRESETS.tiny, 5),
      { batch: 2, imageSize: 28, channels: 1, numClasses: PRESETS.tiny.numClasses },
      backend,
      'cpu',
    );
    const worst = [...r.gradErrors].sort((a, b) => b[1] - a[1])[0];
    model = { lossError: r.lossError, maxError: r.maxError, worst: `${worst[0]}: ${worst[1]}`, leakedTensors: r.leakedTensors, variables: r.gradErrors.size };
  }
  return { backend, setup, ops, model, simd };
}

run()
  .catch((error): GradcheckResult => ({ backend: requested, setup: null, ops: [], model: null, error: error instanceof Error ? error.stack ?? error.message : String(error) }))
  .then((result) => {
    const out = document.getElementById('out');
    if (out) out.textContent = JSON.stringify(result, null, 2);
    window.gradcheck = result;
  });
