/** Notebook cells in lesson Markdown: `js cell` and `js exercise ID` fences become cell markup. */
import { describe, expect, it } from 'vitest';
import { LessonMarkdownError, renderLessonMarkdown } from '../../../src/site/build/markdown';
import type { ExerciseLookup } from '../../../src/site/build/notebook-cells';

const exercises: ExerciseLookup = (id) => (id === 'cosine-abar' ? { solution: 'function alphaBar(t) {\n  return t < 1 && "<ok>";\n}', title: 'A cosine ᾱ' } : undefined);

describe('notebook cells in Markdown', () => {
  it('turns a `js cell` fence into a cell holding its code as escaped text', () => {
    const { html, cells } = renderLessonMarkdown('Text.\n\n```js cell\nconst a = 1 < 2 && "x";\nprint(a)\n```\n\n```js\nnot a cell\n```\n');
    expect(cells).toEqual([{ index: 0, kind: 'cell' }]);
    expect(html).toContain('data-cell="0" data-kind="cell"');
    expect(html).toContain('<code>const a = 1 &lt; 2 &amp;&amp; &quot;x&quot;;\nprint(a)</code>');
    expect(html).toContain('<code class="language-js">not a cell');
  });

  it('turns a `js exercise ID` fence into an exercise with its solution hidden in a template', () => {
    const { html, cells } = renderLessonMarkdown('```js cell\nprint(1)\n```\n\n```js exercise cosine-abar\nfunction alphaBar(t) {\n  // your code\n}\n```\n', { exercises });
    expect(cells).toEqual([{ index: 0, kind: 'cell' }, { index: 1, kind: 'exercise', exercise: 'cosine-abar' }]);
    expect(html).toContain('data-cell="1" data-kind="exercise" data-exercise="cosine-abar"');
    expect(html).toContain('aria-label="Exercise: A cosine ᾱ"');
    expect(html).toMatch(/<template class="nb-cell__solution"><pre[^>]*><code>function alphaBar\(t\) \{\n {2}return t &lt; 1 &amp;&amp; &quot;&lt;ok&gt;&quot;;\n\}<\/code><\/pre><\/template>/);
  });

  it('refuses an unknown exercise, naming its line in the file', () => {
    const body = 'Intro.\n\n\n```js exercise no-such-thing\nx\n```\n';
    expect(() => renderLessonMarkdown(body, { exercises, firstLine: 10 })).toThrow(/line 13: unknown exercise "no-such-thing"/);
    expect(() => renderLessonMarkdown('```js exercise\nx\n```\n', { exercises })).toThrow(LessonMarkdownError);
    expect(() => renderLessonMarkdown('```js exercise cosine-abar\nx\n```\n')).toThrow(/unknown exercise "cosine-abar"/);
  });

  it('ignores fences inside other fences', () => {
    const { cells } = renderLessonMarkdown('````md\n```js exercise not-checked\n```\n````\n', { exercises });
    expect(cells).toEqual([]);
  });
});
