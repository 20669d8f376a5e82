/**
 * Sums over the middle axis of x viewed as [outer, reduced, inner] (reduce-layout.ts: every bias
 * gradient), as WebAssembly SIMD with V vectors of four columns per pass. Runs of up to 64 rows
 * are summed in float32 vectors, and each run's sums are widened to float64 and added there,
 * so 100 000-row sums (a bias over B·H·W positions) stay as exact as the float64 loop of
 * reduce-layout.ts while most of the adds stay four wide.
 */
import {
  block,
  brIf,
  f32x4Add,
  f64x2Add,
  f64x2PromoteLow,
  forLoop,
  FunctionBuilder,
  get,
  highToLow,
  i32,
  i32Add,
  i32LtU,
  i32Mul,
  i32Sub,
  set,
  v128Load,
  v128Store,
  v128Zero,
  type Code,
  type Local,
} from './wasm-encoder';

/** Rows summed in float32 before widening. */
const RUN = 64;

export function sumRowsName(vectors: number): string {
  return `sumRows${vectors}`;
}

/** The widest pass (1–4 vectors) that divides a row of `inner` floats; null when inner % 4 ≠ 0. */
export function pickSumVectors(inner: number): number | null {
  if (inner % 4 !== 0) return null;
  const quads = inner / 4;
  for (const v of [4, 3, 2, 1]) if (quads % v === 0) return v;
  return 1;
}

/** Parameters: x, outer, reduced, inner, out (float64 [outer, inner]; byte addresses). */
export function buildSumRows(vectors: number): FunctionBuilder {
  const f = new FunctionBuilder(sumRowsName(vectors));
  const [x, outer, reduced, inner, out] = Array.from({ length: 5 }, () => f.param('i32'));
  const o = f.local('i32');
  const c0 = f.local('i32');
  const r = f.local('i32');
  const rEnd = f.local('i32');
  const p = f.local('i32');
  const pEnd = f.local('i32');
  const rowBytes = f.local('i32');
  const acc: Local[] = Array.from({ length: vectors }, () => f.local('v128'));
  const lo: Local[] = Array.from({ length: vectors }, () => f.local('v128'));
  const hi: Local[] = Array.from({ length: vectors }, () => f.local('v128'));
  const each = (fn: (v: number) => Code): Code[] => Array.from({ length: vectors }, (_, v) => fn(v));
  const run = forLoop(
    p,
    get(p),
    get(pEnd),
    get(rowBytes),
    ...each((v) => set(acc[v], f32x4Add(get(acc[v]), v128Load(get(p), 16 * v)))),
  );
  const outAddress = i32Add(get(out), i32Mul(i32Add(i32Mul(get(o), get(inner)), get(c0)), i32(8)));
  f.emit(
    set(rowBytes, i32Mul(get(inner), i32(4))),
    forLoop(
      o,
      i32(0),
      get(outer),
      i32(1),
      forLoop(
        c0,
        i32(0),
        get(inner),
        i32(4 * vectors),
        ...each((v) => set(lo[v], v128Zero())),
        ...each((v) => set(hi[v], v128Zero())),
        forLoop(
          r,
          i32(0),
          get(reduced),
          i32(RUN),
          set(rEnd, i32Add(get(r), i32(RUN))),
          block(brIf(0, i32LtU(get(rEnd), get(reduced))), set(rEnd, get(reduced))),
          ...each((v) => set(acc[v], v128Zero())),
          set(p, i32Add(get(x), i32Add(i32Mul(i32Add(i32Mul(get(o), get(reduced)), get(r)), get(rowBytes)), i32Mul(get(c0), i32(4))))),
          set(pEnd, i32Add(get(p), i32Mul(i32Sub(get(rEnd), get(r)), get(rowBytes)))),
          run,
          ...each((v) => set(lo[v], f64x2Add(get(lo[v]), f64x2PromoteLow(get(acc[v]))))),
          ...each((v) => set(hi[v], f64x2Add(get(hi[v]), f64x2PromoteLow(highToLow(get(acc[v])))))),
        ),
        ...each((v) => v128Store(outAddress, get(lo[v]), 32 * v)),
        ...each((v) => v128Store(outAddress, get(hi[v]), 32 * v + 16)),
      ),
    ),
  );
  return f;
}
