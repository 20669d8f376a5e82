/**
 * The kernel's scope rewrite, run in Node's V8 (the engine the course's browsers share with the
 * kernel worker): declarations of one cell are seen by the next, destructuring, functions and
 * classes persist, top-level await works, the last expression is the cell's value, and errors
 * carry the cell's own line number.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCell } from '../../../src/notebook/kernel/run-cell';
import { CellSyntaxError, RESERVED_NAMES, rewriteCell } from '../../../src/notebook/kernel/scope-rewrite';

const g = globalThis as Record<string, unknown>;
const created: string[] = [];

async function run(source: string, tag = 'cell-1.js') {
  const result = await runCell(source, tag);
  if (result.ok) created.push(...result.declared);
  return result;
}

async function value(source: string): Promise<unknown> {
  const result = await run(source);
  if (!result.ok) throw new Error(`${result.error.name}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

afterEach(() => {
  for (const name of created.splice(0)) delete g[name];
});

describe('scope rewrite', () => {
  it('keeps const, let and var declarations for later cells', async () => {
    await value('const nbA = 2;\nlet nbB = 3\nvar nbC = nbA * nbB;');
    expect(await value('nbA + nbB + nbC')).toBe(11);
  });

  it('gives a declaration without a value undefined, as `let x;` does', async () => {
    await value('let nbU;\nlet nbV = 1, nbW');
    expect(await value('[nbU, nbV, nbW]')).toEqual([undefined, 1, undefined]);
    expect('nbU' in g).toBe(true);
  });

  it('keeps names from object and array destructuring, with defaults and renames', async () => {
    await value('const { nbP, q: nbQ = 5, r: [nbR, ...nbRest] } = { nbP: 1, r: [2, 3, 4] }');
    expect(await value('[nbP, nbQ, nbR, nbRest]')).toEqual([1, 5, 2, [3, 4]]);
    expect(rewriteCell('const { a = (() => { const inner = 1; return inner; })() } = {}').declared).toEqual(['a']);
  });

  it('keeps functions (hoisted, so a cell may call one above its definition) and classes', async () => {
    await value('const nbEarly = nbSquare(3);\nfunction nbSquare(x) { return x * x }\nasync function nbLater() { return 7 }');
    expect(await value('nbEarly + nbSquare(2)')).toBe(13);
    expect(await value('await nbLater()')).toBe(7);
    await value('class NbPoint { constructor(x) { this.x = x } }\nclass NbPoint3 extends NbPoint {}');
    expect(await value('new NbPoint3(4).x')).toBe(4);
  });

  it('lets top-level await work and returns the last expression', async () => {
    expect(await value('const nbT = await Promise.resolve(40);\nnbT + 2 // the answer')).toBe(42);
    expect(await value('const nbOnly = 1;')).toBeUndefined();
    const result = await run('1 + 1;\n/* a comment */');
    expect(result.ok && result.returnsValue).toBe(true);
    expect(result.ok && result.value).toBe(2);
  });

  it('leaves inner declarations, strings and comments alone', async () => {
    const source = 'function nbF() { const inner = "const fake = 1"; return inner }\n// const nbNot = 1\n`let ${"x"} = 2`';
    expect(await value(source)).toBe('let x = 2');
    expect('inner' in g).toBe(false);
    expect('nbNot' in g).toBe(false);
    expect('fake' in g).toBe(false);
  });

  it('keeps every line where it was', () => {
    const source = 'const a = 1\nlet b\nfunction f() {}\nclass C {}\na + b';
    expect(rewriteCell(source).body.split('\n')).toHaveLength(source.split('\n').length);
  });

  it('reports a syntax error with its line in the cell', async () => {
    expect(() => rewriteCell('const a = 1;\nconst b = ;\n')).toThrow(CellSyntaxError);
    const result = await run('const a = 1;\nlet b = 2;\nfoo(a, ;\n');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.name).toBe('SyntaxError');
      expect(result.error.line).toBe(3);
    }
  });

  it('reports a runtime error with its line in the cell', async () => {
    const result = await run('const nbOk = 1;\n\nnbMissing.call()', 'cell-7.js');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ name: 'ReferenceError', line: 3 });
      expect(result.error.message).toContain('nbMissing');
    }
    const thrown = await run('const nbX = 1;\nif (nbX) {\n  throw new RangeError("too big")\n}', 'cell-8.js');
    expect(thrown.ok === false && thrown.error).toEqual({ name: 'RangeError', message: 'too big', line: 3 });
  });

  it('refuses a top-level declaration of a name the kernel keeps, with its line', async () => {
    for (const source of ['const nbA = 1;\nconst self = 1', 'let x = 0;\nlet { name } = { name: "Ada" }', 'const a = 1\nfunction show() {}', 'let b\nclass print {}', 'var [tf] = [1]']) {
      const result = await run(source);
      expect(result.ok, source).toBe(false);
      if (!result.ok) {
        expect(result.error.name).toBe('ReservedNameError');
        expect(result.error.line).toBe(source.split('\n').length);
        expect(result.error.message).toMatch(/keeps for itself/);
      }
    }
    expect('nbA' in g).toBe(false);
    for (const name of ['self', 'postMessage', 'location', 'navigator', 'origin', 'close', 'onmessage', 'importScripts', 'globalThis', 'mnist', 'models', 'plot', 'table']) {
      expect(RESERVED_NAMES.has(name), name).toBe(true);
    }
  });

  it('lets a cell use reserved names inside its own functions and blocks', async () => {
    expect(await value('function nbInner() { const name = "Ada"; return name }\nnbInner()')).toBe('Ada');
    expect(await value('{ let show = 2; }\n3')).toBe(3);
  });
});
