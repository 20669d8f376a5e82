import { settingAttributes } from '../../../src/components/settings-registry';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lessons } from '../../../src/site/catalogue';
import { parseUrlState } from '../../../src/site/url-state';
import {
  buildLessonPage,
  checkAgainstCatalogue,
  listLessonFiles,
  lessonSite,
  parseLessonSource,
  readLessonSources,
} from '../../../src/site/build/lesson-source';

const root = join(__dirname, '..', '..', '..');
const site = lessonSite(root);

describe('the lessons in lessons/', () => {
  const sources = readLessonSources(site);

  it('are exactly the catalogue entries marked ready', () => {
    const written = sources.map((source) => source.meta.id);
    const ready = lessons.filter((lesson) => lesson.status === 'ready').map((lesson) => lesson.id);
    expect(written).toEqual(ready);
    expect(written.length).toBeGreaterThanOrEqual(4);
  });

  it('each render to a full page with typeset maths, a contents list, widgets that exist and "Try this"', () => {
    for (const source of sources) {
      const html = buildLessonPage(site, source.meta.id)!;
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain(`<h1>${source.meta.title}</h1>`);
      expect(html).toContain('class="katex"');
      expect(html).not.toContain('katex-error');
      expect(html).not.toMatch(/\{\{\s*[a-z0-9_]+\.[a-z0-9._-]+\s*\}\}/);
      expect(html).toContain('id="try-this"');
      expect(html).toContain('<script type="module" src="/src/site/lesson-page.ts"></script>');
      expect(html).not.toMatch(/katex(\.min)?\.js|marked(\.esm|\.umd|\.min)?\.js|marked\.parse/);
      for (const tag of source.meta.widgets) {
        expect(html).toContain(`<${tag} id=`);
        expect(existsSync(join(root, 'src', 'components', `${tag}.ts`))).toBe(true);
      }
    }
  });

  it('link to their neighbours and name the next lesson when it is still coming', () => {
    const first = buildLessonPage(site, sources[0].meta.id)!;
    expect(first).not.toContain('rel="prev"');
    expect(first).toContain(`rel="next" href="${sources[1].meta.id}.html"`);
    const last = sources[sources.length - 1];
    const next = lessons.find((lesson) => lesson.number === last.meta.number + 1);
    const html = buildLessonPage(site, last.meta.id)!;
    expect(html).not.toContain('rel="next"');
    if (next) expect(html).toContain(`${next.number}. ${next.title}`);
    expect(buildLessonPage(site, 'no-such-lesson')).toBeNull();
  });

  it('set up figures with links that start a query, so they work on an address without one', () => {
    let links = 0;
    for (const source of sources) {
      const html = buildLessonPage(site, source.meta.id)!;
      const widgetIds = new Set([...html.matchAll(/<diffusion-[a-z-]+ id="([^"]+)"/g)].map((m) => m[1]));
      for (const [, href] of html.matchAll(/<a href="([^"]*(?:\?|&amp;)[a-z0-9-]+\.[a-z-]+=[^"]*)"/g)) {
        links++;
        expect(href, `${source.file}: ${href}`).toMatch(/^\?/);
        const state = parseUrlState(href.replace(/&amp;/g, '&'));
        expect(state.ignored, `${source.file}: ${href}`).toEqual([]);
        for (const id of state.widgets.keys()) expect(widgetIds.has(id), `${source.file}: ${href} names no widget "${id}" on the page`).toBe(true);
      }
      // Prose that asks to append a setting says how to start the query.
      expect(source.body, source.file).not.toMatch(/Add `&[a-z0-9-]+\.[a-z-]+=/);
    }
    expect(links).toBeGreaterThan(0);
  });

  it('file names match ids and numbers', () => {
    for (const file of listLessonFiles(site.lessonsDir)) {
      const source = parseLessonSource(file, readFileSync(join(site.lessonsDir, file), 'utf8'));
      expect(file).toBe(`${String(source.meta.number).padStart(2, '0')}-${source.meta.id}.md`);
    }
  });
});

describe('lesson source checks', () => {
  const text = (front: string, body = 'Text.') => `---\n${front}\n---\n${body}`;
  const good = 'id: forward-process\nnumber: 2\ntitle: The forward process\nsummary: Noise real MNIST digits, and jump to any timestep in a single closed-form step.\nwidgets: [diffusion-forward]';

  it('accepts a lesson that agrees with its file name and the catalogue', () => {
    const source = parseLessonSource('02-forward-process.md', text(good));
    expect(source.meta.widgets).toEqual(['diffusion-forward']);
    expect(() => checkAgainstCatalogue(source)).not.toThrow();
  });

  it('refuses mismatches with the file name, the catalogue, or unknown keys', () => {
    expect(() => parseLessonSource('2-forward.md', text(good))).toThrow(/named NN-id\.md/);
    expect(() => parseLessonSource('03-forward-process.md', text(good))).toThrow(/number 2 does not match/);
    expect(() => parseLessonSource('02-forward.md', text(good))).toThrow(/does not match the file name/);
    expect(() => parseLessonSource('02-forward-process.md', text(`${good}\nauthor: me`))).toThrow(/unknown front-matter key "author"/);
    expect(() => parseLessonSource('02-forward-process.md', text(good.replace('widgets: [diffusion-forward]', 'widgets: none')))).toThrow(/must be a list/);
    const retitled = parseLessonSource('02-forward-process.md', text(good.replace('title: The forward process', 'title: Forward')));
    expect(() => checkAgainstCatalogue(retitled)).toThrow(/differs from the catalogue/);
    const coming = lessons.map((lesson) => (lesson.id === 'forward-process' ? { ...lesson, status: 'coming' as const } : lesson));
    expect(() => checkAgainstCatalogue(parseLessonSource('02-forward-process.md', text(good)), coming)).toThrow(/still marks/);
  });
});

describe('the widget settings a lesson page carries', () => {
  it('lists the attributes of each widget on the page, from its settings table, as inert JSON', () => {
    const sources = readLessonSources(site);
    const first = sources.find((source) => source.meta.widgets.includes('diffusion-forward'))!;
    const html = buildLessonPage(site, first.meta.id)!;
    const match = /<script type="application\/json" id="widget-settings">([^<]*)<\/script>/.exec(html);
    expect(match).not.toBeNull();
    const settings = JSON.parse(match![1]) as Record<string, string[]>;
    expect(settings['diffusion-forward']).toEqual(settingAttributes('diffusion-forward'));
    expect(Object.keys(settings).every((tag) => first.meta.widgets.includes(tag))).toBe(true);
  });
});
