import { describe, expect, it } from 'vitest';
import { LessonMarkdownError, renderLessonMarkdown, slugify, typeset } from '../../../src/site/build/markdown';

describe('lesson Markdown', () => {
  it('typesets inline and display maths with KaTeX and leaves no TeX delimiters behind', () => {
    const { html } = renderLessonMarkdown('Mix $x_t = \\sqrt{\\bar\\alpha_t} x_0$ in.\n\n$$\n\\beta_t < 1\n$$\n');
    expect(html).toContain('class="katex"');
    expect(html).toContain('<div class="math-display"><span class="katex-display">');
    expect(html).toContain('<annotation encoding="application/x-tex">x_t = \\sqrt{\\bar\\alpha_t} x_0</annotation>');
    expect(html).not.toMatch(/\$/);
    // Underscores inside maths are not read as emphasis.
    expect(html).not.toContain('<em>');
  });

  it('fails the build on TeX that KaTeX cannot typeset', () => {
    expect(() => renderLessonMarkdown('Broken $\\frac{1}{$ maths')).toThrow(LessonMarkdownError);
    expect(() => typeset('\\notacommand', false)).toThrow(/KaTeX cannot typeset/);
  });

  it('does not treat a lone dollar or a price as maths', () => {
    const { html } = renderLessonMarkdown('It costs $5 and $ 6.');
    expect(html).toContain('$5 and $ 6.');
    expect(html).not.toContain('katex');
  });

  it('passes widgets through as HTML, records them, and never wraps them in a paragraph', () => {
    const { html, widgets } = renderLessonMarkdown('Text.\n\n<diffusion-forward id="forward" t="250" mode="closed-form"></diffusion-forward>\n\nMore.');
    expect(html).toContain('<div class="lesson-widget"><diffusion-forward id="forward" t="250" mode="closed-form"></diffusion-forward></div>');
    expect(html).not.toMatch(/<p>\s*<diffusion-forward/);
    expect(widgets).toEqual([
      { tag: 'diffusion-forward', id: 'forward', attributes: [['id', 'forward'], ['t', '250'], ['mode', 'closed-form']] },
    ]);
  });

  it('requires a unique id on every widget', () => {
    expect(() => renderLessonMarkdown('<diffusion-forward t="3"></diffusion-forward>')).toThrow(/needs an id/);
    expect(() => renderLessonMarkdown('<diffusion-forward id="Bad.Id"></diffusion-forward>')).toThrow(/needs an id/);
    expect(() =>
      renderLessonMarkdown('<diffusion-forward id="a"></diffusion-forward>\n\n<diffusion-schedule id="a"></diffusion-schedule>'),
    ).toThrow(/used twice/);
  });

  it('gives headings stable ids and collects them for the contents list', () => {
    const { html, headings } = renderLessonMarkdown('## The forward process\n\n### Why $\\sqrt{1-\\beta_t}$?\n\n## The forward process\n');
    expect(headings.map((h) => [h.depth, h.id])).toEqual([
      [2, 'the-forward-process'],
      [3, 'why-sqrt-1-beta-t'],
      [2, 'the-forward-process-2'],
    ]);
    expect(html).toContain('<h2 id="the-forward-process">The forward process<a class="heading-anchor" href="#the-forward-process"');
    expect(headings[1].html).toContain('katex');
    expect(() => renderLessonMarkdown('# Title\n')).toThrow(/front matter/);
  });

  it('slugifies accents and punctuation away', () => {
    expect(slugify('Café, noise & steps!')).toBe('cafe-noise-steps');
    expect(slugify('???')).toBe('section');
  });

  it('turns a predict block into a question whose explanation waits for a guess', () => {
    const { html, predictIds } = renderLessonMarkdown(
      [
        '::: predict halfway',
        'At $t = 500$, which schedule keeps more signal?',
        '',
        '- [ ] Linear',
        '- [x] **Cosine**',
        '- [ ] Neither',
        '',
        '---',
        'The cosine one: $\\bar\\alpha$ falls slowly.',
        ':::',
        '',
        'After.',
      ].join('\n'),
    );
    expect(predictIds).toEqual(['halfway']);
    expect(html).toContain('<lesson-predict class="predict" id="halfway" data-answer="1">');
    expect(html.match(/type="radio" name="halfway"/g)).toHaveLength(3);
    expect(html).toContain('<strong>Cosine</strong>');
    expect(html).toMatch(/<details class="predict__reveal">[\s\S]*The cosine one: <span class="katex">/);
    expect(html).toContain('<p>After.</p>');
    // The explanation is not visible before the guess: it sits in a closed <details>.
    expect(html).not.toContain('<details class="predict__reveal" open');
  });

  it('numbers unnamed predict blocks and rejects malformed ones', () => {
    const block = (body: string) => `::: predict\n${body}\n:::\n`;
    const ok = '- [ ] a\n- [x] b\n---\nwhy';
    expect(renderLessonMarkdown(block(`Q?\n\n${ok}`) + '\n' + block(`Q2?\n\n${ok}`)).predictIds).toEqual(['predict-1', 'predict-2']);
    expect(() => renderLessonMarkdown(block('Q?\n\n- [ ] a\n- [ ] b\n---\nwhy'))).toThrow(/exactly one option/);
    expect(() => renderLessonMarkdown(block('Q?\n\n- [x] a\n- [x] b\n---\nwhy'))).toThrow(/exactly one option/);
    expect(() => renderLessonMarkdown(block('Q?\n\n- [x] only\n---\nwhy'))).toThrow(/at least two options/);
    expect(() => renderLessonMarkdown(block('Q?\n\n- [x] a\n- [ ] b'))).toThrow(/explanation/);
    expect(() => renderLessonMarkdown('::: predict\nQ?\n- [x] a\n- [ ] b\n---\nwhy\n')).toThrow(/not closed/);
    expect(() => renderLessonMarkdown('::: warning\nhi\n:::\n')).toThrow(/not known/);
  });

  it('renders notes as asides and wraps tables so they scroll on phones', () => {
    const { html } = renderLessonMarkdown('::: note\nA *caveat*.\n:::\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n');
    expect(html).toContain('<aside class="note"><p>A <em>caveat</em>.</p>');
    expect(html).toMatch(/<div class="table-scroll"><table>/);
  });

  it('renders an empty header cell as a plain cell, so no column header is blank', () => {
    const { html } = renderLessonMarkdown('|  | pixel | latent |\n| --- | --- | ---: |\n| values | 784 | 16 |\n');
    expect(html).toMatch(/<thead>\s*<tr>\s*<td><\/td>\s*<th>pixel<\/th>\s*<th align="right">latent<\/th>/);
    expect(html).not.toMatch(/<th[^>]*>\s*<\/th>/);
    expect(html).toMatch(/<tbody>\s*<tr>\s*<td>values<\/td>/);
  });
});
