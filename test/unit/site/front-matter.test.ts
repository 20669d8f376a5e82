import { describe, expect, it } from 'vitest';
import { LessonSourceError, parseFrontMatter } from '../../../src/site/build/front-matter';

describe('lesson front matter', () => {
  it('reads text, whole numbers and both list forms, and returns the body after it', () => {
    const { data, body, bodyLine } = parseFrontMatter(
      ['---', 'id: forward-process', 'number: 2', 'title: "The forward: process"', 'widgets: [diffusion-forward, diffusion-schedule]', 'tags:', '  - a', "  - 'b'", '---', 'Body line', ''].join('\n'),
      'x.md',
    );
    expect(data).toEqual({
      id: 'forward-process',
      number: 2,
      title: 'The forward: process',
      widgets: ['diffusion-forward', 'diffusion-schedule'],
      tags: ['a', 'b'],
    });
    expect(body).toBe('Body line\n');
    expect(bodyLine).toBe(10);
  });

  it('reads an empty list and Windows line ends', () => {
    const { data, body } = parseFrontMatter('---\r\nwidgets: []\r\n---\r\ntext', 'x.md');
    expect(data.widgets).toEqual([]);
    expect(body).toBe('text');
  });

  it('names the file and line of every mistake', () => {
    expect(() => parseFrontMatter('# no front matter', 'a.md')).toThrow(/a\.md:1: must start/);
    expect(() => parseFrontMatter('---\nid: x\n', 'b.md')).toThrow(/b\.md:1: front matter is not closed/);
    expect(() => parseFrontMatter('---\nid: x\nid: y\n---\n', 'c.md')).toThrow(/c\.md:3: "id" is given twice/);
    expect(() => parseFrontMatter('---\njust words\n---\n', 'd.md')).toThrow(/d\.md:2: cannot read/);
    expect(() => parseFrontMatter('---\n  - stray\n---\n', 'e.md')).toThrow(/e\.md:2: list item outside a list/);
    expect(() => parseFrontMatter('---\nw: [a, b\n---\n', 'f.md')).toThrow(LessonSourceError);
  });
});
