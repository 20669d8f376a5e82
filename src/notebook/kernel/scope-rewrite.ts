/**
 * Turns a cell's source into the body of an async function whose top-level declarations land in
 * the kernel's shared scope (the worker's global object), as in a Jupyter kernel:
 *
 *   const {a, b} = f()   →  ;({a, b} = f())       (a sloppy-mode assignment creates a global)
 *   let n                →  ;(n = undefined)
 *   function g() {}      →  kept, and `globalThis["g"]=g;` is put first (declarations are hoisted)
 *   class C {}           →  ;C = class C {};
 *   last expression e    →  return (e);             (the cell's value, printed when not undefined)
 *
 * The cell is parsed with the JavaScript grammar CodeMirror uses (Lezer), so strings, comments,
 * regular expressions and template literals never confuse the rewrite. Nothing is added on a new
 * line, so line numbers in error messages are the cell's own.
 */
import { javascriptLanguage } from '@codemirror/lang-javascript';
import type { SyntaxNode } from '@lezer/common';

export interface RewrittenCell {
  /** Source for `new AsyncFunction(body)`, run in sloppy mode. */
  body: string;
  /** Names the cell declares at top level, in order. */
  declared: string[];
  /** Whether the body returns the cell's last expression. */
  returnsValue: boolean;
}

export class CellSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based line in the cell. */
    readonly line: number,
    name = 'SyntaxError',
  ) {
    super(message);
    this.name = name;
  }
}

function refuseReserved(names: string[], source: string, at: number): void {
  const reserved = names.find((name) => RESERVED_NAMES.has(name));
  if (reserved === undefined) return;
  throw new CellSyntaxError(
    `"${reserved}" is a name the kernel keeps for itself (see the kernel's list in the course notes); pick another name, e.g. "my${reserved[0].toUpperCase()}${reserved.slice(1)}"`,
    lineAt(source, at),
    'ReservedNameError',
  );
}

interface Edit {
  from: number;
  /** Order of creation: of two insertions at one place, the earlier one comes first in the text. */
  seq?: number;
  to: number;
  text: string;
}

/**
 * Names a cell may not declare at top level. Declarations land on the worker's global object, so
 * `const self = 1` would replace what the kernel itself uses to talk to the page, and a read-only
 * global such as `name` would silently keep its own value; redefining `show` or `print` would
 * break every later cell's output. lessons/README.md (The kernel) lists them.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  // The worker's own globals.
  'self',
  'globalThis',
  'postMessage',
  'onmessage',
  'onerror',
  'close',
  'importScripts',
  'name',
  'location',
  'navigator',
  'origin',
  // The kernel's API (src/notebook/kernel/kernel-worker.ts).
  'tf',
  'diffusion',
  'mnist',
  'models',
  'show',
  'plot',
  'table',
  'print',
  'console',
]);

const COMMENTS = new Set(['LineComment', 'BlockComment']);
/** Nodes whose inner names are not the declaration's own (default values, computed keys). */
const NESTED_SCOPES = new Set(['ArrowFunction', 'FunctionExpression', 'ClassExpression', 'ParamList', 'Body', 'ClassBody']);

export function lineAt(source: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

function definitions(node: SyntaxNode, source: string, into: string[]): void {
  if (node.name === 'VariableDefinition') into.push(source.slice(node.from, node.to));
  if (NESTED_SCOPES.has(node.name)) return;
  // In `{a = f()} = o`, only the pattern's names are declared, never what its defaults mention.
  for (const child of children(node)) definitions(child, source, into);
}

function firstSyntaxError(source: string, top: SyntaxNode): CellSyntaxError | null {
  let at = -1;
  top.cursor().iterate((node) => {
    if (at >= 0) return false;
    if (node.type.isError) {
      at = node.from;
      return false;
    }
    return undefined;
  });
  if (at < 0) return null;
  const line = lineAt(source, at);
  const near = source.slice(at, at + 20).split('\n')[0].trim();
  return new CellSyntaxError(near ? `unexpected "${near}"` : 'the cell ends too early (a bracket or quote is not closed?)', line);
}

function rewriteVariables(node: SyntaxNode, source: string, edits: Edit[], declared: string[]): void {
  const parts = children(node);
  const keyword = parts[0];
  edits.push({ from: keyword.from, to: keyword.to, text: ';(' });
  const last = parts[parts.length - 1];
  const endsWithSemicolon = source.slice(last.from, last.to) === ';';
  // Each declarator: a pattern, then `= value` or nothing (which stays `undefined`, as `let x;` does).
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i];
    if (part.name === 'VariableDefinition' || part.name === 'ObjectPattern' || part.name === 'ArrayPattern') {
      definitions(part, source, declared);
      const next = parts[i + 1];
      if (!next || next.name !== 'Equals') edits.push({ from: part.to, to: part.to, text: ' = undefined' });
    }
  }
  const close = endsWithSemicolon ? last.from : node.to;
  edits.push({ from: close, to: close, text: ')' });
}

/** Rewrites a cell for the shared scope; throws CellSyntaxError with the cell's line when it does not parse. */
export function rewriteCell(source: string): RewrittenCell {
  const tree = javascriptLanguage.parser.parse(source);
  const top = tree.topNode;
  const error = firstSyntaxError(source, top);
  if (error) throw error;
  const edits: Edit[] = [];
  const declared: string[] = [];
  const hoisted: string[] = [];
  const statements = children(top).filter((node) => !COMMENTS.has(node.name));
  for (const statement of statements) {
    if (statement.name === 'VariableDeclaration') {
      const names: string[] = [];
      rewriteVariables(statement, source, edits, names);
      refuseReserved(names, source, statement.from);
      declared.push(...names);
    } else if (statement.name === 'FunctionDeclaration') {
      const name = statement.getChild('VariableDefinition');
      if (name) {
        const text = source.slice(name.from, name.to);
        refuseReserved([text], source, statement.from);
        declared.push(text);
        hoisted.push(`globalThis[${JSON.stringify(text)}]=${text};`);
      }
    } else if (statement.name === 'ClassDeclaration') {
      const name = statement.getChild('VariableDefinition');
      if (name) {
        const text = source.slice(name.from, name.to);
        refuseReserved([text], source, statement.from);
        declared.push(text);
        edits.push({ from: statement.from, to: statement.from, text: `;${text} = ` });
        edits.push({ from: statement.to, to: statement.to, text: ';' });
      }
    }
  }
  const last = statements[statements.length - 1];
  let returnsValue = false;
  if (last && last.name === 'ExpressionStatement' && last.firstChild) {
    const expression = last.firstChild;
    edits.push({ from: last.from, to: last.to, text: `return (${source.slice(expression.from, expression.to)});` });
    returnsValue = true;
  }
  edits.forEach((edit, index) => (edit.seq = index));
  edits.sort((a, b) => b.from - a.from || b.to - a.to || b.seq! - a.seq!);
  let body = source;
  for (const edit of edits) body = body.slice(0, edit.from) + edit.text + body.slice(edit.to);
  return { body: hoisted.join('') + body, declared, returnsValue };
}
