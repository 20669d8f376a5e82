/**
 * Renders the catalogue as an ordered list. Ready lessons link to their page; coming lessons
 * are plain text with a "Coming soon" tag, so the page never offers a link that leads nowhere.
 * Ready lessons the learner has opened or finished carry a small progress mark (kept in this
 * browser only, see progress.ts).
 */
import { lessonHref, type Lesson } from './catalogue';
import { progressLabel, type ProgressMap } from './progress';

export function renderLessonList(items: readonly Lesson[], doc: Document = document, progress: ProgressMap = {}): HTMLOListElement {
  const list = doc.createElement('ol');
  list.className = 'lesson-list';
  for (const lesson of items) list.append(renderLessonItem(lesson, doc, progress));
  return list;
}

const PROGRESS_TEXT = { done: 'Done ✓', visited: 'Started' } as const;

function renderLessonItem(lesson: Lesson, doc: Document, progress: ProgressMap): HTMLLIElement {
  const item = doc.createElement('li');
  item.className = `lesson lesson--${lesson.status}`;
  item.dataset.lessonId = lesson.id;
  item.dataset.status = lesson.status;

  const number = doc.createElement('span');
  number.className = 'lesson__number';
  number.setAttribute('aria-hidden', 'true');
  number.textContent = String(lesson.number).padStart(2, '0');

  const body = doc.createElement('div');
  body.className = 'lesson__body';

  const title = doc.createElement('h3');
  title.className = 'lesson__title';
  if (lesson.status === 'ready') {
    const link = doc.createElement('a');
    link.href = lessonHref(lesson);
    link.textContent = lesson.title;
    title.append(link);
  } else {
    title.textContent = lesson.title;
  }

  const summary = doc.createElement('p');
  summary.className = 'lesson__summary';
  summary.textContent = lesson.summary;

  body.append(title, summary);
  item.append(number, body);

  const label = lesson.status === 'ready' ? progressLabel(progress[lesson.id]) : 'new';
  if (label !== 'new') {
    item.dataset.progress = label;
    const mark = doc.createElement('span');
    mark.className = `lesson__progress lesson__progress--${label}`;
    mark.textContent = PROGRESS_TEXT[label];
    item.append(mark);
  }

  if (lesson.status === 'coming') {
    const tag = doc.createElement('span');
    tag.className = 'lesson__tag';
    tag.textContent = 'Coming soon';
    item.append(tag);
  }
  return item;
}
