/**
 * Strided runs copied with WebAssembly SIMD, 16 bytes at a time: the shape of a channel concat
 * or split once copy-box.ts has merged what it can ([B·H·W, C1] into [B·H·W, C]), where each run
 * is one pixel's 8–32 channels, too short for TypedArray.set and slow as a scalar loop.
 */
import { bump, forLoop, FunctionBuilder, get, i32, i32Add, v128Load, v128Store } from './wasm-encoder';

export const COPY_RUNS = 'copyRuns';

/** Parameters (bytes): src, srcStride, dst, dstStride, runs, runBytes (a multiple of 16). */
export function buildCopyRuns(): FunctionBuilder {
  const f = new FunctionBuilder(COPY_RUNS);
  const [src, srcStride, dst, dstStride, runs, runBytes] = Array.from({ length: 6 }, () => f.param('i32'));
  const r = f.local('i32');
  const k = f.local('i32');
  f.emit(
    forLoop(
      r,
      i32(0),
      get(runs),
      i32(1),
      forLoop(k, i32(0), get(runBytes), i32(16), v128Store(i32Add(get(dst), get(k)), v128Load(i32Add(get(src), get(k))))),
      bump(src, get(srcStride)),
      bump(dst, get(dstStride)),
    ),
  );
  return f;
}


