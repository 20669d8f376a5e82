/**
 * Entry point of the landing page. It only fills in the lesson list and the small noise figure;
 * the rest of the page is static HTML, and nothing here loads tfjs.
 */
import { lessons } from './catalogue';
import { renderLessonList } from './lesson-list';
import { renderNoiseStrip } from './noise-strip';

const lessonSlot = document.getElementById('lesson-list');
if (lessonSlot) lessonSlot.replaceChildren(renderLessonList(lessons));

const readyCount = lessons.filter((lesson) => lesson.status === 'ready').length;
const progress = document.getElementById('lesson-progress');
if (progress) {
  progress.textContent =
    readyCount === 0
      ? `${lessons.length} lessons are being written; they appear here as they are ready.`
      : `${readyCount} of ${lessons.length} lessons ready; the rest appear here as they are written.`;
}

const strip = document.getElementById('noise-strip-frames');
if (strip) renderNoiseStrip(strip);
