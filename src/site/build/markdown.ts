/**
 * Lesson Markdown → HTML, at build time. On top of GitHub-flavoured Markdown (marked):
 *
 * - `$…$` and `$$…$$` are typeset with KaTeX into HTML + MathML, so pages ship no maths code;
 *   a TeX mistake is a build error, never a red formula on the page.
 * - A widget on a line of its own, `<diffusion-forward id="forward" t="250"></diffusion-forward>`,
 *   passes through as HTML (never wrapped in a paragraph). It needs an `id` (the key of its
 *   settings in the page URL), and its tag is recorded so the page loads only the widgets it uses.
 * - `::: predict [id]` … `:::` is a "predict, then run" question:
 *
 *       ::: predict noise-at-half
 *       At t = 500, how much of the digit is left?
 *
 *       - [ ] all of it
 *       - [x] a faint outline
 *       - [ ] nothing
 *
 *       ---
 *       The explanation, shown once the learner has committed to a guess.
 *       :::
 *
 * - `::: note` … `:::` is an aside (citations, caveats).
 * - `##`/`###` headings get stable ids; the `##` ones make the page's contents list.
 * - Tables scroll sideways on a phone; an empty header cell is a plain cell, not a blank header.
 * - ```` ```js cell ```` and ```` ```js exercise ID ```` blocks are notebook cells (./notebook-cells.ts).
 */
import katex from 'katex';
import { Marked, Renderer, type Tokens } from 'marked';
import { checkCellFences, isCellInfo, renderCell, type CellUse, type ExerciseLookup } from './notebook-cells';

export interface Heading {
  depth: number;
  id: string;
  /** Rendered inline HTML of the heading (may hold KaTeX). */
  html: string;
}

export interface WidgetUse {
  tag: string;
  id: string;
  attributes: ReadonlyArray<[string, string | null]>;
}

export interface RenderedLesson {
  html: string;
  headings: Heading[];
  widgets: WidgetUse[];
  predictIds: string[];
  /** The page's code cells and exercises, in page order. */
  cells: CellUse[];
}

export interface RenderOptions {
  /** Finds an exercise's solution by id; without it, any `js exercise` block is an error. */
  exercises?: ExerciseLookup;
  /** Line of the body's first line in its file, for error messages (default 1). */
  firstLine?: number;
}

export class LessonMarkdownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonMarkdownError';
  }
}

const WIDGET_LINE = /^<((?:diffusion|lesson)-[a-z0-9]+(?:-[a-z0-9]+)*)((?:\s+[^>]*)?)>\s*<\/\1>[ \t]*(?:\n+|$)/;
const ATTRIBUTE = /\s*([a-z][a-z0-9-]*)(?:\s*=\s*"([^"]*)")?/y;
const PREDICT_BLOCK = /^::: *predict(?: +([a-z0-9-]+))? *\n([\s\S]*?)\n::: *(?:\n+|$)/;
const NOTE_BLOCK = /^::: *note *\n([\s\S]*?)\n::: *(?:\n+|$)/;
const DISPLAY_MATH = /^\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/;
const INLINE_MATH = /^\$(?![\s$])((?:\\[\s\S]|[^\\$])+?)(?<!\s)\$(?!\d)/;
const OPTION_LINE = /^[-*] \[( |x|X)\] +(.+)$/;
const ID = /^[a-z][a-z0-9-]*$/;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function typeset(tex: string, displayMode: boolean): string {
  try {
    return katex.renderToString(tex.trim(), { displayMode, throwOnError: true, strict: 'error', output: 'htmlAndMathml' });
  } catch (error) {
    throw new LessonMarkdownError(`KaTeX cannot typeset "${tex.trim()}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A heading's id from its Markdown source: lower case, TeX commands kept as words, punctuation dropped. */
export function slugify(source: string): string {
  const slug = source
    .toLowerCase()
    .replace(/\$[^$]*\$/g, (math) => math.replace(/[^a-z0-9]+/gi, ' '))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'section';
}

function parseAttributes(source: string, tag: string): Array<[string, string | null]> {
  const attributes: Array<[string, string | null]> = [];
  ATTRIBUTE.lastIndex = 0;
  let rest = source;
  while (rest.trim() !== '') {
    ATTRIBUTE.lastIndex = 0;
    const match = ATTRIBUTE.exec(rest);
    if (!match || match[0].trim() === '') {
      throw new LessonMarkdownError(`<${tag}>: cannot read attributes "${source.trim()}" (write name="value")`);
    }
    const [whole, name, value] = match;
    if (attributes.some(([existing]) => existing === name)) throw new LessonMarkdownError(`<${tag}>: attribute "${name}" is given twice`);
    attributes.push([name, value ?? null]);
    rest = rest.slice(whole.length);
  }
  return attributes;
}

interface PredictToken extends Tokens.Generic {
  type: 'predict';
  id: string;
  question: Tokens.Generic[];
  options: Array<{ tokens: Tokens.Generic[]; correct: boolean }>;
  explanation: Tokens.Generic[];
}

/** Renders one lesson body (front matter already removed). Every call starts fresh. */
export function renderLessonMarkdown(markdown: string, options: RenderOptions = {}): RenderedLesson {
  checkCellFences(markdown, options.exercises, options.firstLine);
  const cells: CellUse[] = [];
  const headings: Heading[] = [];
  const widgets: WidgetUse[] = [];
  const predictIds: string[] = [];
  const usedIds = new Set<string>();

  const uniqueId = (wanted: string): string => {
    let id = wanted;
    for (let n = 2; usedIds.has(id); n++) id = `${wanted}-${n}`;
    usedIds.add(id);
    return id;
  };

  const marked = new Marked({ gfm: true, async: false });
  marked.use({
    extensions: [
      {
        name: 'displayMath',
        level: 'block',
        start: (src: string) => src.match(/^\$\$/m)?.index,
        tokenizer(src: string) {
          const match = DISPLAY_MATH.exec(src);
          if (match) return { type: 'displayMath', raw: match[0], text: match[1] };
          return undefined;
        },
        renderer: (token) => `<div class="math-display">${typeset(token.text as string, true)}</div>\n`,
      },
      {
        name: 'inlineMath',
        level: 'inline',
        start: (src: string) => {
          const index = src.indexOf('$');
          return index < 0 ? undefined : index;
        },
        tokenizer(src: string) {
          const match = INLINE_MATH.exec(src);
          if (match) return { type: 'inlineMath', raw: match[0], text: match[1] };
          return undefined;
        },
        renderer: (token) => typeset(token.text as string, false),
      },
      {
        name: 'widget',
        level: 'block',
        start: (src: string) => src.match(/^<(?:diffusion|lesson)-/m)?.index,
        tokenizer(src: string) {
          const match = WIDGET_LINE.exec(src);
          if (!match) return undefined;
          const tag = match[1];
          const attributes = parseAttributes(match[2], tag);
          const id = attributes.find(([name]) => name === 'id')?.[1];
          if (!id || !ID.test(id)) {
            throw new LessonMarkdownError(`<${tag}> needs an id of lower-case letters, digits and dashes (it keys the widget's settings in the URL)`);
          }
          if (usedIds.has(id)) throw new LessonMarkdownError(`id "${id}" is used twice`);
          usedIds.add(id);
          widgets.push({ tag, id, attributes });
          return { type: 'widget', raw: match[0], tag, attributes };
        },
        renderer(token) {
          const attributes = (token.attributes as Array<[string, string | null]>)
            .map(([name, value]) => (value === null ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`))
            .join('');
          return `<div class="lesson-widget"><${token.tag}${attributes}></${token.tag}></div>\n`;
        },
      },
      {
        name: 'predict',
        level: 'block',
        start: (src: string) => src.match(/^::: *predict/m)?.index,
        tokenizer(src: string) {
          const match = PREDICT_BLOCK.exec(src);
          if (!match) return undefined;
          const id = uniqueId(match[1] ?? `predict-${predictIds.length + 1}`);
          predictIds.push(id);
          const [ask, ...explanationParts] = match[2].split(/^---[ \t]*$/m);
          if (explanationParts.length === 0) {
            throw new LessonMarkdownError(`predict "${id}": put the explanation after a line "---"`);
          }
          const questionLines: string[] = [];
          const options: PredictToken['options'] = [];
          for (const line of ask.split('\n')) {
            const option = OPTION_LINE.exec(line.trim());
            if (option) {
              const tokens: Tokens.Generic[] = [];
              this.lexer.inline(option[2], tokens);
              options.push({ tokens, correct: option[1] !== ' ' });
            } else if (options.length === 0) {
              questionLines.push(line);
            } else if (line.trim() !== '') {
              throw new LessonMarkdownError(`predict "${id}": only options ("- [ ] …" or "- [x] …") may follow the first option`);
            }
          }
          if (options.length < 2) throw new LessonMarkdownError(`predict "${id}" needs at least two options`);
          if (options.filter((o) => o.correct).length !== 1) {
            throw new LessonMarkdownError(`predict "${id}" needs exactly one option marked "- [x]"`);
          }
          const token: PredictToken = {
            type: 'predict',
            raw: match[0],
            id,
            question: this.lexer.blockTokens(questionLines.join('\n').trim(), []),
            options,
            explanation: this.lexer.blockTokens(explanationParts.join('---').trim(), []),
          };
          return token;
        },
        renderer(generic) {
          const token = generic as PredictToken;
          const answer = token.options.findIndex((o) => o.correct);
          const options = token.options
            .map(
              (option, index) =>
                `<li><label class="predict__option"><input type="radio" name="${token.id}" value="${index}" />` +
                `<span>${this.parser.parseInline(option.tokens)}</span></label></li>`,
            )
            .join('');
          return (
            `<lesson-predict class="predict" id="${token.id}" data-answer="${answer}">` +
            `<p class="predict__label">Predict, then check</p>` +
            `<div class="predict__question">${this.parser.parse(token.question)}</div>` +
            `<fieldset class="predict__choices"><legend class="visually-hidden">Your prediction</legend>` +
            `<ol class="predict__options">${options}</ol></fieldset>` +
            `<p class="predict__actions"><button type="button" class="predict__commit" disabled>Lock in my guess</button>` +
            `<span class="predict__feedback" role="status" aria-live="polite"></span></p>` +
            `<details class="predict__reveal"><summary>Answer and explanation</summary>` +
            `<div class="predict__explanation">${this.parser.parse(token.explanation)}</div></details>` +
            `</lesson-predict>\n`
          );
        },
      },
      {
        name: 'note',
        level: 'block',
        start: (src: string) => src.match(/^::: *note/m)?.index,
        tokenizer(src: string) {
          const match = NOTE_BLOCK.exec(src);
          if (!match) return undefined;
          return { type: 'note', raw: match[0], tokens: this.lexer.blockTokens(match[1].trim(), []) };
        },
        renderer(token) {
          return `<aside class="note">${this.parser.parse(token.tokens ?? [])}</aside>\n`;
        },
      },
    ],
    renderer: {
      code(this: Renderer, token: Tokens.Code) {
        if (!isCellInfo(token.lang)) return Renderer.prototype.code.call(this, token);
        const { html, use } = renderCell(token.text, token.lang ?? '', cells.length, options.exercises);
        cells.push(use);
        return html;
      },
      heading(this: Renderer, { tokens, depth, text }: Tokens.Heading) {
        if (depth === 1) throw new LessonMarkdownError(`"# ${text}": the title comes from the front matter; start sections at "##"`);
        const html = this.parser.parseInline(tokens);
        const id = uniqueId(slugify(text));
        headings.push({ depth, id, html });
        return `<h${depth} id="${id}">${html}<a class="heading-anchor" href="#${id}" aria-label="Link to this section">#</a></h${depth}>\n`;
      },
      table(this: Renderer, token: Tokens.Table) {
        return `<div class="table-scroll">${Renderer.prototype.table.call(this, token)}</div>\n`;
      },
      // An empty header cell (the corner above a column of row labels) heads nothing: as a <th>
      // it would be announced as a blank column header, so it is an ordinary cell.
      tablecell(this: Renderer, token: Tokens.TableCell) {
        const cell = Renderer.prototype.tablecell.call(this, token);
        return token.header && token.text.trim() === '' ? cell.replace(/^<th\b/, '<td').replace(/<\/th>(\s*)$/, '</td>$1') : cell;
      },
    },
  });

  const html = marked.parse(markdown) as string;
  const stray = /<p>:::[^<]*/.exec(html);
  if (stray) throw new LessonMarkdownError(`a "::: …" block is not closed or not known (known: predict, note): "${stray[0].slice(3)}"`);
  return { html, headings, widgets, predictIds, cells };
}
