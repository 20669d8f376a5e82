/**
 * The gradient of SiLU, y = x·σ(x) (Elfwing et al. 2018, eq. 5; Ramachandran et al. 2017):
 *   dy/dx = σ(x) + x·σ(x)·(1 − σ(x)) = σ(x)·(1 + x·(1 − σ(x))),
 * as one WebAssembly SIMD pass over dy, x and the saved s = σ(x). Written with tfjs ops it takes
 * five element-wise kernels (the products of x·σ(x), σ's own gradient, and their sum), each a full
 * pass over the activations.
 */
import { f32, f32x4Add, f32x4Mul, f32x4Splat, f32x4Sub, forLoop, FunctionBuilder, get, i32, i32Add, i32Mul, set, v128Load, v128Store, type Local } from './wasm-encoder';

export const SILU_GRAD_SIMD = 'siluGrad';

/** dx = dy · s · (1 + x·(1 − s)) over `count` groups of four floats. Parameters: dy, x, s, dx (byte addresses), count. */
export function buildSiluGrad(): FunctionBuilder {
  const f = new FunctionBuilder(SILU_GRAD_SIMD);
  const [dy, x, s, dx, count] = [f.param('i32'), f.param('i32'), f.param('i32'), f.param('i32'), f.param('i32')];
  const off = f.local('i32');
  const end = f.local('i32');
  const one = f.local('v128');
  const sv = f.local('v128');
  const at = (base: Local) => i32Add(get(base), get(off));
  const gate = f32x4Mul(get(sv), f32x4Add(get(one), f32x4Mul(v128Load(at(x)), f32x4Sub(get(one), get(sv)))));
  f.emit(
    set(one, f32x4Splat(f32(1))),
    set(end, i32Mul(get(count), i32(16))),
    forLoop(off, i32(0), get(end), i32(16), set(sv, v128Load(at(s))), v128Store(at(dx), f32x4Mul(v128Load(at(dy)), gate))),
  );
  return f;
}
