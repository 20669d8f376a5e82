import { describe, expect, it } from 'vitest';
import { findLesson, lessonHref, lessons } from '../../../src/site/catalogue';

describe('course catalogue', () => {
  it('lists the fifteen lessons numbered 1 to 15 in order', () => {
    expect(lessons).toHaveLength(15);
    expect(lessons.map((lesson) => lesson.number)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(lessons[0].title).toBe('What diffusion models are');
    expect(lessons[14].title).toBe('FAQ');
  });

  it('gives every lesson a unique URL-safe id, a title and a one-line summary', () => {
    const ids = lessons.map((lesson) => lesson.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const lesson of lessons) {
      expect(lesson.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(lesson.title.trim()).not.toBe('');
      expect(lesson.summary.trim()).not.toBe('');
      expect(lesson.summary).not.toContain('\n');
      expect(['ready', 'coming']).toContain(lesson.status);
    }
  });

  it('finds lessons by id and builds relative links', () => {
    const ddim = findLesson('ddim');
    expect(ddim?.number).toBe(7);
    expect(findLesson('no-such-lesson')).toBeUndefined();
    expect(lessonHref(ddim!)).toBe('lessons/ddim.html');
  });
});
