/**
 * Reads `lessons/NN-id.md`, checks each against the course catalogue (the one list of lessons the
 * landing page shows) and renders it to a complete HTML page. Runs in Node only: the Vite plugin
 * calls it for `npm start` and `npm run build`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lessons as catalogue, type Lesson } from '../catalogue';
import { LessonSourceError, parseFrontMatter, type FrontMatterValue } from './front-matter';
import { shippedCheckpointValues } from './checkpoint-values';
import { latentCheckpointValues } from '../../latent/latent-values';
import { lessonValues, substituteValues } from './lesson-values';
import { liveRunValues } from './live-run-values';
import { guidanceComparisonValues } from './guidance-values';
import { predictionFigureValues } from './prediction-figure';
import { settingAttributes } from '../../components/settings-registry';
import { renderLessonMarkdown, type RenderedLesson } from './markdown';
import type { ExerciseLookup } from './notebook-cells';
import { getExercise } from '../../notebook/exercises';
import { renderLessonPage, type LessonLink } from './lesson-template';

export interface LessonMeta {
  id: string;
  number: number;
  title: string;
  summary: string;
  /** Widget tags the lesson embeds, e.g. ['diffusion-forward']. */
  widgets: string[];
}

export interface LessonSource {
  /** File name under lessons/, e.g. "02-forward-process.md". */
  file: string;
  meta: LessonMeta;
  body: string;
  /** 1-based line of the body's first line in the file. */
  bodyLine: number;
}

const FILE_NAME = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/** Lesson files in course order. Other files in lessons/ (a README, drafts in sub-folders) are left alone. */
export function listLessonFiles(lessonsDir: string): string[] {
  if (!existsSync(lessonsDir)) return [];
  return readdirSync(lessonsDir)
    .filter((name) => FILE_NAME.test(name))
    .sort();
}

function field(data: Record<string, FrontMatterValue>, key: string, file: string): FrontMatterValue {
  if (!(key in data)) throw new LessonSourceError(file, `front matter needs "${key}"`);
  return data[key];
}

function stringField(data: Record<string, FrontMatterValue>, key: string, file: string): string {
  const value = field(data, key, file);
  if (typeof value !== 'string' || value.trim() === '') throw new LessonSourceError(file, `"${key}" must be a non-empty text`);
  return value;
}

/** Parses and checks one lesson file's text. `componentExists(tag)` says whether a widget module exists. */
export function parseLessonSource(file: string, text: string): LessonSource {
  const name = FILE_NAME.exec(file);
  if (!name) throw new LessonSourceError(file, 'lesson files are named NN-id.md, e.g. 02-forward-process.md');
  const { data, body, bodyLine } = parseFrontMatter(text, file);
  const known = new Set(['id', 'number', 'title', 'summary', 'widgets']);
  for (const key of Object.keys(data)) {
    if (!known.has(key)) throw new LessonSourceError(file, `unknown front-matter key "${key}" (known: ${[...known].join(', ')})`);
  }
  const id = stringField(data, 'id', file);
  const number = field(data, 'number', file);
  const widgets = field(data, 'widgets', file);
  if (typeof number !== 'number') throw new LessonSourceError(file, '"number" must be a whole number');
  if (!Array.isArray(widgets)) throw new LessonSourceError(file, '"widgets" must be a list, e.g. [diffusion-forward] or []');
  if (id !== name[2]) throw new LessonSourceError(file, `id "${id}" does not match the file name (expected "${name[2]}")`);
  if (number !== Number(name[1])) throw new LessonSourceError(file, `number ${number} does not match the file name (expected ${Number(name[1])})`);
  return {
    file,
    meta: { id, number, title: stringField(data, 'title', file), summary: stringField(data, 'summary', file), widgets },
    body,
    bodyLine,
  };
}

/**
 * The catalogue is what the landing page lists, so a lesson page and its catalogue entry must
 * agree: same number, title and summary, and the entry marked 'ready'.
 */
export function checkAgainstCatalogue(source: LessonSource, entries: readonly Lesson[] = catalogue): void {
  const entry = entries.find((lesson) => lesson.id === source.meta.id);
  const { file, meta } = source;
  if (!entry) throw new LessonSourceError(file, `"${meta.id}" is not in src/site/catalogue.ts`);
  if (entry.number !== meta.number) throw new LessonSourceError(file, `number ${meta.number} differs from the catalogue's ${entry.number}`);
  if (entry.title !== meta.title) throw new LessonSourceError(file, `title "${meta.title}" differs from the catalogue's "${entry.title}"`);
  if (entry.summary !== meta.summary) throw new LessonSourceError(file, `summary differs from the catalogue's "${entry.summary}"`);
  if (entry.status !== 'ready') throw new LessonSourceError(file, `the catalogue still marks "${meta.id}" as '${entry.status}'; set it to 'ready'`);
}

/** Checks that the widgets a lesson embeds are the ones its front matter lists, and that each exists. */
export function checkWidgets(source: LessonSource, rendered: RenderedLesson, componentExists: (tag: string) => boolean): void {
  const used = [...new Set(rendered.widgets.map((w) => w.tag))].sort();
  const listed = [...new Set(source.meta.widgets)].sort();
  if (used.join(',') !== listed.join(',')) {
    throw new LessonSourceError(source.file, `front matter lists widgets [${listed.join(', ')}] but the text uses [${used.join(', ')}]`);
  }
  for (const tag of used) {
    if (!componentExists(tag)) throw new LessonSourceError(source.file, `<${tag}> has no module src/components/${tag}.ts`);
  }
}

export interface LessonSite {
  root: string;
  lessonsDir: string;
  componentsDir: string;
}

export function lessonSite(root: string): LessonSite {
  return { root, lessonsDir: join(root, 'lessons'), componentsDir: join(root, 'src', 'components') };
}

/** All lesson sources, parsed and checked against the catalogue, in course order. */
export function readLessonSources(site: LessonSite): LessonSource[] {
  const sources = listLessonFiles(site.lessonsDir).map((file) =>
    parseLessonSource(file, readFileSync(join(site.lessonsDir, file), 'utf8')),
  );
  const seen = new Map<string, string>();
  for (const source of sources) {
    const other = seen.get(source.meta.id);
    if (other) throw new LessonSourceError(source.file, `id "${source.meta.id}" is also used by ${other}`);
    seen.set(source.meta.id, source.file);
    checkAgainstCatalogue(source);
  }
  return sources.sort((a, b) => a.meta.number - b.meta.number);
}

/** An exercise's solution for its cell's "Reveal solution", from the registry. */
const exerciseSolution: ExerciseLookup = (id) => {
  const exercise = getExercise(id);
  return exercise ? { solution: exercise.solution, title: exercise.title } : undefined;
};

function link(source: LessonSource | undefined): LessonLink | null {
  return source ? { id: source.meta.id, number: source.meta.number, title: source.meta.title } : null;
}

/** The full HTML page of one lesson, or null when no lesson has that id. */
export function buildLessonPage(site: LessonSite, id: string): string | null {
  const sources = readLessonSources(site);
  const index = sources.findIndex((source) => source.meta.id === id);
  if (index < 0) return null;
  const source = sources[index];
  // Pure values from the code, plus what the shipped checkpoint's files say about it.
  const values = new Map([
    ...lessonValues(),
    ...shippedCheckpointValues(join(site.root, 'assets', 'checkpoints', 'mnist-small')),
    // Latent diffusion: the autoencoder and latent checkpoints (src/latent/latent-values.ts).
    ...latentCheckpointValues(join(site.root, 'assets', 'checkpoints')),
    // The live recipe's measured runs (lesson 5).
    ...liveRunValues(join(site.root, 'assets', 'measurements', 'live')),
    // Classifier against classifier-free guidance on the shipped model (lesson 8).
    ...guidanceComparisonValues(join(site.root, 'assets', 'measurements', 'guidance')),
    // The shipped model's ε̂ and x̂₀ for one example (lesson 4's figure).
    ...predictionFigureValues(
      join(site.root, 'assets', 'figures', 'reverse-process-predictions.json'),
      join(site.root, 'assets', 'checkpoints', 'mnist-small'),
    ),
  ]);
  const body = substituteValues(source.body, values, (message) => {
    throw new LessonSourceError(source.file, message);
  });
  let rendered: RenderedLesson;
  try {
    rendered = renderLessonMarkdown(body, { exercises: exerciseSolution, firstLine: source.bodyLine });
  } catch (error) {
    throw new LessonSourceError(source.file, error instanceof Error ? error.message : String(error));
  }
  checkWidgets(source, rendered, (tag) => existsSync(join(site.componentsDir, `${tag}.ts`)));
  // The next lesson in the catalogue may not be written yet: name it without a link.
  const nextInCatalogue = catalogue.find((lesson) => lesson.number === source.meta.number + 1);
  const nextSource = sources[index + 1];
  const widgetSettings: Record<string, string[]> = {};
  for (const tag of new Set(rendered.widgets.map((w) => w.tag))) {
    const attributes = settingAttributes(tag);
    if (attributes) widgetSettings[tag] = attributes;
  }
  return renderLessonPage({
    widgetSettings,
    meta: source.meta,
    totalLessons: catalogue.length,
    rendered,
    previous: link(sources[index - 1]),
    next: nextSource ? link(nextSource) : null,
    comingNext:
      !nextSource || nextSource.meta.number !== source.meta.number + 1
        ? nextInCatalogue
          ? { id: nextInCatalogue.id, number: nextInCatalogue.number, title: nextInCatalogue.title }
          : null
        : null,
  });
}
