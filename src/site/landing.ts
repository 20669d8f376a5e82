/**
 * Entry point of the landing page. It only fills in the lesson list and the small noise figure;
 * the rest of the page is static HTML, and nothing here loads tfjs.
 */
import { lessons } from './catalogue';
import { renderLessonList } from './lesson-list';
import { renderNoiseStrip } from './noise-strip';
import { createProgressStore } from './progress';

const learnerProgress = createProgressStore().all();
const lessonSlot = document.getElementById('lesson-list');
if (lessonSlot) lessonSlot.replaceChildren(renderLessonList(lessons, document, learnerProgress));

const readyCount = lessons.filter((lesson) => lesson.status === 'ready').length;
const progressLine = document.getElementById('lesson-progress');
if (progressLine) {
  progressLine.textContent =
    readyCount === 0
      ? `${lessons.length} lessons are being written; they appear here as they are ready.`
      : `${readyCount} of ${lessons.length} lessons ready; the rest appear here as they are written.` +
        doneNote(lessons.filter((lesson) => learnerProgress[lesson.id]?.completed !== undefined).length);
}

const strip = document.getElementById('noise-strip-frames');
if (strip) renderNoiseStrip(strip);

function doneNote(done: number): string {
  if (done === 0) return '';
  return ` You have finished ${done} of them (remembered in this browser only).`;
}

// The offline copy (service worker and "Keep this course offline") is not part of the first load.
import('./offline-panel').then(
  ({ startOfflineCopy }) => startOfflineCopy(),
  (error: unknown) => console.warn(`The offline copy of the course is unavailable: ${error instanceof Error ? error.message : String(error)}`),
);
