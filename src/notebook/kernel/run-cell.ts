/**
 * Runs one cell's source in the shared scope (the global object of the host: the kernel worker,
 * or Node in tests) and reports its value, or its error with the line in the cell.
 *
 * The learner's code is compiled with the AsyncFunction constructor, so top-level `await` works;
 * that is why a page with cells needs 'unsafe-eval' for its kernel worker (examples/README.md).
 */
import { CellSyntaxError, rewriteCell } from './scope-rewrite';

export type CellRun = { ok: true; value: unknown; returnsValue: boolean; declared: string[] } | { ok: false; error: CellError };

export interface CellError {
  name: string;
  message: string;
  /** 1-based line in the cell, when known. */
  line: number | null;
}

type AsyncFunctionConstructor = new (...args: string[]) => () => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as AsyncFunctionConstructor;

/** Lines V8 puts before the body in `(async function anonymous(\n) {\n<body>`. */
const HEADER_LINES = 2;

/** The line in cell `tag` of the first stack frame that is the cell's own code. */
export function lineFromStack(stack: string | undefined, tag: string): number | null {
  if (!stack) return null;
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+):\\d+`).exec(stack);
  if (!match) return null;
  const line = Number(match[1]) - HEADER_LINES;
  return line >= 1 ? line : null;
}

function describe(error: unknown, tag: string): CellError {
  if (error instanceof CellSyntaxError) return { name: error.name, message: error.message, line: error.line };
  if (error instanceof Error && error.name === 'EvalError' && /Content.Security.Policy/i.test(error.message)) {
    return {
      name: 'EvalError',
      message: "this site's Content-Security-Policy does not let the kernel run code: its worker needs 'unsafe-eval' in script-src (see examples/README.md)",
      line: null,
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, line: lineFromStack(error.stack, tag) };
  return { name: 'Error', message: `the cell threw ${String(error)} (not an Error)`, line: null };
}

/** Compiles and runs `source`; never throws. `tag` names the cell in stack traces (e.g. "cell-3.js"). */
export async function runCell(source: string, tag: string): Promise<CellRun> {
  let fn: () => Promise<unknown>;
  let rewritten;
  try {
    rewritten = rewriteCell(source);
    fn = new AsyncFunction(`${rewritten.body}\n//# sourceURL=${tag}`);
  } catch (error) {
    return { ok: false, error: describe(error, tag) };
  }
  try {
    const value = await fn();
    return { ok: true, value, returnsValue: rewritten.returnsValue, declared: rewritten.declared };
  } catch (error) {
    return { ok: false, error: describe(error, tag) };
  }
}
