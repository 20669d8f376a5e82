/**
 * Front matter of a lesson file: a `---` fenced block of `key: value` lines at the very top.
 * Only the small subset lessons need is accepted (strings, integers, and lists written either
 * as `[a, b]` or as `- a` lines), so there is no YAML dependency and every mistake is an error
 * that names the line, instead of a value silently read some other way.
 */

export type FrontMatterValue = string | number | string[];

export interface FrontMatter {
  data: Record<string, FrontMatterValue>;
  /** The Markdown after the closing `---`. */
  body: string;
  /** 1-based line of the body's first line in the file, for error messages. */
  bodyLine: number;
}

export class LessonSourceError extends Error {
  constructor(file: string, message: string, line?: number) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.name = 'LessonSourceError';
  }
}

const KEY = /^([a-z][a-z0-9_-]*):(?:\s+(.*))?$/;
const LIST_ITEM = /^\s+-\s+(.+)$/;

export function parseFrontMatter(source: string, file: string): FrontMatter {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  if (lines[0]?.trim() !== '---') throw new LessonSourceError(file, 'must start with a `---` front-matter block', 1);
  const end = lines.indexOf('---', 1);
  if (end < 0) throw new LessonSourceError(file, 'front matter is not closed by a `---` line', 1);

  const data: Record<string, FrontMatterValue> = {};
  let openList: string | null = null;
  for (let i = 1; i < end; i++) {
    const line = lines[i];
    const lineNo = i + 1;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const item = LIST_ITEM.exec(line);
    if (item) {
      if (openList === null) throw new LessonSourceError(file, 'list item outside a list', lineNo);
      (data[openList] as string[]).push(unquote(item[1].trim()));
      continue;
    }
    const match = KEY.exec(line);
    if (!match) throw new LessonSourceError(file, `cannot read front-matter line "${line}" (expected "key: value")`, lineNo);
    const [, key, rawValue = ''] = match;
    if (key in data) throw new LessonSourceError(file, `"${key}" is given twice`, lineNo);
    const value = rawValue.trim();
    openList = null;
    if (value === '') {
      data[key] = [];
      openList = key;
    } else if (value.startsWith('[')) {
      if (!value.endsWith(']')) throw new LessonSourceError(file, `"${key}": a list must end with "]"`, lineNo);
      const inner = value.slice(1, -1).trim();
      data[key] = inner === '' ? [] : inner.split(',').map((part) => unquote(part.trim()));
    } else if (/^-?\d+$/.test(value)) {
      data[key] = Number(value);
    } else {
      data[key] = unquote(value);
    }
  }
  return { data, body: lines.slice(end + 1).join('\n'), bodyLine: end + 2 };
}

function unquote(value: string): string {
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  return quoted ? quoted[1] : value;
}
