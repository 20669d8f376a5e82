/**
 * A minimal WebAssembly binary encoder (WebAssembly Core Specification 2.0, §5 "Binary Format",
 * with the 128-bit SIMD instructions of §5.4.8), enough to generate small numeric kernels at run
 * time: functions over i32 / f32 / v128 locals that read and write one imported linear memory.
 *
 * Code is a flat byte array built from expression helpers that each return the bytes of a
 * complete stack expression, so a kernel reads like nested calls:
 *   set(acc, f32x4Add(get(acc), f32x4Mul(load32Splat(get(xp)), v128Load(get(dyp)))))
 * No validation happens here: the engine validates the module when it is compiled.
 */

export type Code = number[];
export type ValType = 'i32' | 'f32' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128 (§5.2.2). */
export function u32(n: number): Code {
  const out: Code = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (§5.2.2). */
export function s32(n: number): Code {
  const out: Code = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function utf8(s: string): Code {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...u32(bytes.length), ...bytes];
}

function vec(items: Code[]): Code {
  return [...u32(items.length), ...items.flat()];
}

function section(id: number, body: Code): Code {
  return [id, ...u32(body.length), ...body];
}

// ---- instructions ----------------------------------------------------------------------------

/** A local variable: its index in the function. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

const cat = (...parts: Code[]): Code => parts.flat();
/** A SIMD instruction (prefix 0xFD, §5.4.8) after its operands, followed by its immediates. */
const simd = (operands: Code[], op: number, immediates: Code = []): Code => cat(...operands, [0xfd], u32(op), immediates);
/** memarg (§5.4.6): alignment exponent (a hint) and a constant byte offset. */
const memarg = (align: number, offset: number): Code => cat(u32(align), u32(offset));

export const get = (l: Local): Code => [0x20, ...u32(l.index)];
export const set = (l: Local, value: Code): Code => cat(value, [0x21], u32(l.index));
export const i32 = (n: number): Code => cat([0x41], s32(n));

export const i32Add = (a: Code, b: Code): Code => cat(a, b, [0x6a]);
export const i32Sub = (a: Code, b: Code): Code => cat(a, b, [0x6b]);
export const i32Mul = (a: Code, b: Code): Code => cat(a, b, [0x6c]);
export const i32DivU = (a: Code, b: Code): Code => cat(a, b, [0x6e]);
export const i32RemU = (a: Code, b: Code): Code => cat(a, b, [0x70]);
export const i32GeU = (a: Code, b: Code): Code => cat(a, b, [0x4f]);
export const i32LtU = (a: Code, b: Code): Code => cat(a, b, [0x49]);
export const i32GtU = (a: Code, b: Code): Code => cat(a, b, [0x4b]);
export const i32LeS = (a: Code, b: Code): Code => cat(a, b, [0x4c]);
export const i32Or = (a: Code, b: Code): Code => cat(a, b, [0x72]);
export const i32Load = (addr: Code, offset = 0): Code => cat(addr, [0x28], memarg(2, offset));

/** Adds a constant to an i32 local in place. */
export const bump = (l: Local, by: Code): Code => set(l, i32Add(get(l), by));

export const f32Load = (addr: Code, offset = 0): Code => cat(addr, [0x2a], memarg(2, offset));
export const f32Store = (addr: Code, value: Code, offset = 0): Code => cat(addr, value, [0x38], memarg(2, offset));
/** f32.const (§5.4.7): the value as 4 little-endian IEEE 754 bytes. */
export const f32 = (x: number): Code => cat([0x43], Array.from(new Uint8Array(new Float32Array([x]).buffer)));
export const f32Add = (a: Code, b: Code): Code => cat(a, b, [0x92]);
export const f32Mul = (a: Code, b: Code): Code => cat(a, b, [0x94]);

export const v128Load = (addr: Code, offset = 0): Code => simd([addr], 0x00, memarg(0, offset));
export const v128Load32Splat = (addr: Code, offset = 0): Code => simd([addr], 0x09, memarg(0, offset));
export const v128Store = (addr: Code, value: Code, offset = 0): Code => simd([addr, value], 0x0b, memarg(0, offset));
export const v128Zero = (): Code => simd([], 0x0c, new Array<number>(16).fill(0));
export const f32x4Splat = (a: Code): Code => simd([a], 0x13);
export const f32x4Add = (a: Code, b: Code): Code => simd([a, b], 0xe4);
export const f32x4Sub = (a: Code, b: Code): Code => simd([a, b], 0xe5);
export const f32x4Mul = (a: Code, b: Code): Code => simd([a, b], 0xe6);
export const f64x2Add = (a: Code, b: Code): Code => simd([a, b], 0xf0);
/** The two low float32 lanes of a widened to float64. */
export const f64x2PromoteLow = (a: Code): Code => simd([a], 0x5f);
/** The two high float32 lanes of a moved to the low half (i8x16.shuffle of bytes 8–15). */
export const highToLow = (a: Code): Code => simd([a, a], 0x0d, [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);

/** `block … end` with no result; `br depth` inside jumps past its end. */
export const block = (...body: Code[]): Code => cat([0x02, 0x40], ...body, [0x0b]);
/** `loop … end` with no result; `br depth` inside jumps back to its start. */
export const loop = (...body: Code[]): Code => cat([0x03, 0x40], ...body, [0x0b]);
export const br = (depth: number): Code => cat([0x0c], u32(depth));
export const brIf = (depth: number, cond: Code): Code => cat(cond, [0x0d], u32(depth));

/**
 * for (i = from; i < to; i += step) body — `to` is re-evaluated each time, so pass a local or a
 * constant. Inside body, depth 0 is the loop (continue would need to bump first) and depth 1 the
 * exit.
 */
export function forLoop(i: Local, from: Code, to: Code, step: Code, ...body: Code[]): Code {
  return cat(set(i, from), block(loop(brIf(1, i32GeU(get(i), to)), ...body, bump(i, step), br(0))));
}

// ---- functions and modules -------------------------------------------------------------------

/** One function: parameters first, then locals, all named by the Local handles it returns. */
export class FunctionBuilder {
  private readonly params: ValType[] = [];
  private readonly locals: ValType[] = [];
  private body: Code = [];

  constructor(readonly name: string) {}

  param(type: ValType): Local {
    if (this.locals.length > 0) throw new Error('FunctionBuilder: declare every parameter before the locals');
    this.params.push(type);
    return { index: this.params.length - 1, type };
  }

  local(type: ValType): Local {
    this.locals.push(type);
    return { index: this.params.length + this.locals.length - 1, type };
  }

  emit(...code: Code[]): this {
    this.body = cat(this.body, ...code);
    return this;
  }

  /** The function type (§5.3.6): no results. */
  typeBytes(): Code {
    return cat([0x60], vec(this.params.map((t) => [VALTYPE[t]])), vec([]));
  }

  /** The code entry (§5.5.13): locals one declaration each, the body, end. */
  codeBytes(): Code {
    const decls = this.locals.map((t) => cat(u32(1), [VALTYPE[t]]));
    const func = cat(vec(decls), this.body, [0x0b]);
    return cat(u32(func.length), func);
  }
}

/**
 * A module that imports its memory as env.memory and exports every function by name. `shared`
 * must match the memory it will be instantiated with (a threaded build's memory is shared).
 */
export function encodeModule(functions: readonly FunctionBuilder[], memory: { shared: boolean }): Uint8Array {
  // Limits (§5.3.7): shared memories must declare a maximum; 65536 pages is the 32-bit limit.
  const limits = memory.shared ? cat([0x03], u32(1), u32(65536)) : cat([0x00], u32(1));
  const bytes = cat(
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    section(1, vec(functions.map((f) => f.typeBytes()))),
    section(2, vec([cat(utf8('env'), utf8('memory'), [0x02], limits)])),
    section(3, vec(functions.map((_, i) => u32(i)))),
    section(7, vec(functions.map((f, i) => cat(utf8(f.name), [0x00], u32(i))))),
    section(10, vec(functions.map((f) => f.codeBytes()))),
  );
  return new Uint8Array(bytes);
}
