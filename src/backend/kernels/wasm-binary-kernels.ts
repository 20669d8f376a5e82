/**
 * Add, Sub and Multiply for the wasm backend: a broadcast of a short row (every bias add, the
 * time embedding added to a feature map) runs on the backend's own kernel with widened rows
 * (widen-broadcast.ts); everything else goes to the backend's kernel unchanged.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { heapF32 } from './wasm-heap';
import type { RawKernel } from './wasm-kernels';
import { widenBroadcast, writeTiledRows } from './widen-broadcast';

export interface WasmBinaryBaseKernels {
  add: RawKernel;
  sub: RawKernel;
  multiply: RawKernel;
}

function widened(base: RawKernel): RawKernel {
  return (args) => {
    const { a, b } = args.inputs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return base(args);
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const plan = widenBroadcast(a.shape, b.shape, outShape);
    if (!plan) return base(args);
    const { backend } = args;
    const small = plan.small === 'a' ? a : b;
    const full = plan.small === 'a' ? b : a;
    const tiled = backend.makeOutput(plan.smallShape, 'float32');
    writeTiledRows(heapF32(backend, small), plan.smallShape[0], plan.row, plan.repeats, heapF32(backend, tiled));
    const fullView: TensorInfo = { ...full, shape: plan.fullShape };
    try {
      const inputs = plan.small === 'a' ? { a: tiled, b: fullView } : { a: fullView, b: tiled };
      const out = base({ inputs, backend, attrs: args.attrs });
      return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
    } finally {
      backend.disposeData(tiled.dataId);
    }
  };
}

export function wasmBinaryKernelConfigs(base: WasmBinaryBaseKernels): KernelConfig[] {
  const config = (kernelName: string, kernel: RawKernel): KernelConfig => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc: kernel as unknown as KernelFunc,
  });
  return [config('Add', widened(base.add)), config('Sub', widened(base.sub)), config('Multiply', widened(base.multiply))];
}
