/**
 * Slice, Concat, SplitV and PadV2 for the wasm backend. tfjs 4.22's wasm Slice first copies the WHOLE
 * input out of the heap (readSync) for every slice, so SplitV (the gradient of concat) copies its
 * input once per output, and Concat copies short rows with one TypedArray.set call each; PadV2 runs ~3× slower
 * than a fill and a row copy (0.6 against 0.2 ms for the U-Net's [64, 28, 28, 8] before a
 * strided convolution, measured). These versions copy each element once, straight between heap
 * views (copy-box.ts), short runs of a multiple of four elements with SIMD (simd/copy-simd.ts).
 */
import { backend_util, slice_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { copyBox, type RunCopier } from './copy-box';
import { buildCopyRuns, COPY_RUNS } from './simd/copy-simd';
import { simdKernel } from './simd/simd-module';
import type { RawKernel, WasmBaseKernels } from './wasm-kernels';

type View = Float32Array | Int32Array | Uint8Array;

function heap(backend: BackendWasm, t: TensorInfo): View {
  return backend.typedArrayFromHeap(t) as View;
}

/** Runs of 4-byte elements whose length is a multiple of four go to the SIMD copier (simd/copy-simd.ts). */
function simdRunCopier(backend: BackendWasm): RunCopier {
  return (src, srcOffset, srcStride, dst, dstOffset, dstStride, runs, run) => {
    if (src.BYTES_PER_ELEMENT !== 4 || dst.BYTES_PER_ELEMENT !== 4 || run % 4 !== 0) return false;
    const kernel = simdKernel(backend, buildCopyRuns, COPY_RUNS);
    if (!kernel) return false;
    kernel(src.byteOffset + 4 * srcOffset, 4 * srcStride, dst.byteOffset + 4 * dstOffset, 4 * dstStride, runs, 4 * run);
    return true;
  };
}

export function wasmCopyKernelConfigs(base: WasmBaseKernels): KernelConfig[] {
  const slice: RawKernel = (args) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return base.slice(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [b, s] = slice_util.parseSliceParams(x, begin, size);
    slice_util.assertParamsValid(x, b, s);
    const out = args.backend.makeOutput(s, x.dtype);
    copyBox(heap(args.backend, x), x.shape, b, heap(args.backend, out), s, new Array(s.length).fill(0), s, simdRunCopier(args.backend));
    return out;
  };

  const concat: RawKernel = (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    if (inputs.length === 0 || inputs[0].dtype === 'string') return base.concat(args);
    const { axis } = args.attrs as unknown as { axis: number | number[] };
    const $axis = util.parseAxisParam(axis, inputs[0].shape)[0];
    backend_util.assertParamsConsistent(
      inputs.map((t) => t.shape),
      $axis,
    );
    const outShape = backend_util.computeOutShape(
      inputs.map((t) => t.shape),
      $axis,
    );
    const out = args.backend.makeOutput(outShape, inputs[0].dtype);
    const dst = heap(args.backend, out);
    const dstBegin = new Array<number>(outShape.length).fill(0);
    for (const t of inputs) {
      if (util.sizeFromShape(t.shape) > 0) {
        copyBox(heap(args.backend, t), t.shape, new Array(t.shape.length).fill(0), dst, outShape, dstBegin, t.shape, simdRunCopier(args.backend));
      }
      dstBegin[$axis] += t.shape[$axis];
    }
    return out;
  };

  const splitV = (args: Parameters<RawKernel>[0]): TensorInfo[] => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return base.splitV(args) as unknown as TensorInfo[];
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const $axis = util.parseAxisParam(axis, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
    const outs = sizes.map((n) => {
      const shape = [...x.shape];
      shape[$axis] = n;
      return args.backend.makeOutput(shape, x.dtype);
    });
    const src = heap(args.backend, x);
    const begin = new Array<number>(x.shape.length).fill(0);
    for (const out of outs) {
      copyBox(src, x.shape, begin, heap(args.backend, out), out.shape, new Array(out.shape.length).fill(0), out.shape, simdRunCopier(args.backend));
      begin[$axis] += out.shape[$axis];
    }
    return outs;
  };

  /** Fills the output with the constant, then copies x into it as one box. */
  const padV2: RawKernel = (args) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return base.padV2(args);
    const { paddings, constantValue } = args.attrs as unknown as { paddings: Array<[number, number]>; constantValue: number };
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const out = args.backend.makeOutput(outShape, x.dtype);
    const dst = heap(args.backend, out);
    dst.fill(constantValue);
    if (util.sizeFromShape(x.shape) > 0) {
      copyBox(heap(args.backend, x), x.shape, new Array(x.shape.length).fill(0), dst, outShape, paddings.map((p) => p[0]), x.shape, simdRunCopier(args.backend));
    }
    return out;
  };

  const config = (kernelName: string, kernel: unknown): KernelConfig => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc: kernel as KernelFunc,
  });
  return [config('Slice', slice), config('Concat', concat), config('SplitV', splitV), config('PadV2', padV2)];
}

