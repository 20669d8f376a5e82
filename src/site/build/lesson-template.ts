/**
 * The HTML page around a rendered lesson: header, contents, the lesson, previous/next links.
 * Everything a reader sees at first paint is here as static HTML; the page script
 * (src/site/lesson-page.ts) only adds behaviour: progress, copy link, URL state, widgets.
 */
import type { Heading, RenderedLesson } from './markdown';
import { escapeHtml } from './markdown';

export interface LessonLink {
  id: string;
  number: number;
  title: string;
}

export interface LessonPageInput {
  meta: { id: string; number: number; title: string; summary: string; widgets: string[] };
  totalLessons: number;
  rendered: RenderedLesson;
  previous: LessonLink | null;
  next: LessonLink | null;
  /** The next lesson in the course when it is not written yet (shown without a link). */
  comingNext: LessonLink | null;
  /**
   * The attributes each widget tag on the page takes (from the widgets' settings tables), so the
   * page's script can check a link's settings without loading the tables (see url-state.ts).
   */
  widgetSettings?: Readonly<Record<string, readonly string[]>>;
}

/** Inert JSON in the page (never executed, so it passes a strict script-src). `<` is escaped. */
function widgetSettingsScript(settings: LessonPageInput['widgetSettings']): string {
  if (!settings || Object.keys(settings).length === 0) return '';
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<script type="application/json" id="widget-settings">${json}</script>`;
}

/** The page's URL relative to another lesson page (both live in lessons/). */
export function lessonPageFile(id: string): string {
  return `${id}.html`;
}

function contents(headings: readonly Heading[], className: string): string {
  const items = headings
    .filter((heading) => heading.depth === 2)
    .map((heading) => `<li><a href="#${heading.id}">${heading.html}</a></li>`)
    .join('');
  return `<ol class="${className}">${items}</ol>`;
}

function navLink(link: LessonLink | null, rel: 'prev' | 'next'): string {
  if (!link) return '';
  const label = rel === 'prev' ? 'Previous' : 'Next';
  return (
    `<a class="lesson-nav__link lesson-nav__link--${rel}" rel="${rel}" href="${lessonPageFile(link.id)}">` +
    `<span class="lesson-nav__label">${label}</span>` +
    `<span class="lesson-nav__title">${link.number}. ${escapeHtml(link.title)}</span></a>`
  );
}

function comingLink(link: LessonLink | null): string {
  if (!link) return '';
  return (
    `<p class="lesson-nav__link lesson-nav__link--coming"><span class="lesson-nav__label">Next, coming soon</span>` +
    `<span class="lesson-nav__title">${link.number}. ${escapeHtml(link.title)}</span></p>`
  );
}

export function renderLessonPage(input: LessonPageInput): string {
  const { meta, rendered } = input;
  const title = escapeHtml(meta.title);
  const summary = escapeHtml(meta.summary);
  const hasContents = rendered.headings.some((heading) => heading.depth === 2);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <meta name="description" content="${summary}" />
    <title>${meta.number}. ${title} · Diffusion Lab</title>
    <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
    <link rel="stylesheet" href="/src/site/theme.css" />
    <link rel="stylesheet" href="/src/site/chrome.css" />
    <link rel="stylesheet" href="/src/site/lesson.css" />
    <script type="module" src="/src/site/lesson-page.ts"></script>
  </head>
  <body class="lesson-page" data-lesson-id="${escapeHtml(meta.id)}" data-lesson-number="${meta.number}">
    <a class="skip-link" href="#main">Skip to content</a>

    <header class="site-header">
      <div class="wrap">
        <a class="brand" href="../index.html"><img src="/favicon.svg" alt="" />Diffusion Lab</a>
        <nav class="site-nav" aria-label="Site">
          <a href="../index.html#lessons">All lessons</a>
          <a href="../index.html#teachers">For teachers</a>
        </nav>
      </div>
    </header>

    <div class="lesson-layout wrap">
      ${
        hasContents
          ? `<nav class="lesson-contents" aria-label="Contents">
        <p class="lesson-contents__title">Contents</p>
        ${contents(rendered.headings, 'lesson-contents__list')}
      </nav>`
          : ''
      }
      <main id="main" class="lesson">
        <header class="lesson-header">
          <p class="eyebrow">Lesson ${meta.number} of ${input.totalLessons}</p>
          <h1>${title}</h1>
          <p class="lead">${summary}</p>
          <div class="lesson-tools">
            <button type="button" class="copy-link" data-copy-link>Copy link to this view</button>
            <span class="lesson-tools__status" role="status" aria-live="polite"></span>
          </div>
          <p class="classroom-banner" hidden></p>
          <noscript><p class="classroom-banner">The figures in this lesson are interactive and need JavaScript; the text and formulas read without it.</p></noscript>
          ${
            hasContents
              ? `<details class="lesson-contents-inline">
            <summary>Contents</summary>
            ${contents(rendered.headings, 'lesson-contents-inline__list')}
          </details>`
              : ''
          }
        </header>

        <article class="lesson-body">
${rendered.html}
        </article>
        ${widgetSettingsScript(input.widgetSettings)}

        <section class="lesson-end" aria-label="End of lesson">
          <p class="lesson-end__complete">
            <button type="button" class="complete-button" data-complete aria-pressed="false">Mark this lesson as done</button>
          </p>
          <nav class="lesson-nav" aria-label="Lessons">
            ${navLink(input.previous, 'prev')}
            ${input.next ? navLink(input.next, 'next') : comingLink(input.comingNext)}
          </nav>
        </section>
      </main>
    </div>

    <footer class="site-footer">
      <div class="wrap">
        <section class="offline-panel" data-keep-offline hidden></section>
        <p>Diffusion Lab · open source, MIT licence · runs entirely in your browser.</p>
      </div>
    </footer>
  </body>
</html>
`;
}
