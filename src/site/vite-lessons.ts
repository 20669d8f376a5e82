/**
 * Vite plugin: every `lessons/NN-id.md` becomes the page `lessons/<id>.html`, rendered in Node
 * (Markdown, KaTeX and the build-time numbers), so a lesson page ships static HTML and a small
 * script, never a Markdown parser or KaTeX's JavaScript.
 *
 * - `npm start` / `vite`: a middleware answers `/lessons/<id>.html` with the freshly rendered page
 *   (run through Vite's HTML transforms), and editing a lesson reloads the browser.
 * - `npm run build`: each lesson page is added to the build inputs next to index.html and loaded
 *   from memory, so the pages are never written into the source tree.
 */
import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Plugin, ViteDevServer } from 'vite';
import { buildLessonPage, lessonSite, readLessonSources, type LessonSite } from './build/lesson-source';

const PAGE_URL = /^\/lessons\/([a-z0-9]+(?:-[a-z0-9]+)*)\.html$/;

type Inputs = Record<string, string>;

function existingInputs(input: unknown, root: string): Inputs {
  if (typeof input === 'string') return { [input.replace(/\.html$/, '')]: input };
  if (Array.isArray(input)) return Object.fromEntries(input.map((path: string) => [relative(root, path).replace(/\.html$/, ''), path]));
  if (input && typeof input === 'object') return { ...(input as Inputs) };
  const index = resolve(root, 'index.html');
  return existsSync(index) ? { index } : {};
}

function errorPage(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>Lesson error</title><pre style="white-space:pre-wrap;padding:1rem">${message}</pre>`;
}

export function lessonPages(): Plugin {
  let site: LessonSite;
  const pageIds = new Map<string, string>(); // absolute page path → lesson id

  const pagePath = (id: string): string => resolve(site.root, 'lessons', `${id}.html`);

  return {
    name: 'diffusion-lab-lessons',
    enforce: 'pre',

    config(userConfig, env) {
      if (env.command !== 'build') return;
      const root = resolve(userConfig.root ?? process.cwd());
      site = lessonSite(root);
      const input = existingInputs(userConfig.build?.rollupOptions?.input, root);
      for (const source of readLessonSources(site)) input[`lessons/${source.meta.id}`] = pagePath(source.meta.id);
      return { build: { rollupOptions: { input } } };
    },

    configResolved(config) {
      site = lessonSite(config.root);
      // Only a build loads pages through the module graph. The dev server renders each request
      // afresh, so a lesson with a mistake shows its error page instead of stopping `npm start`.
      if (config.command === 'build') {
        for (const source of readLessonSources(site)) pageIds.set(pagePath(source.meta.id), source.meta.id);
      }
    },

    resolveId(id) {
      const path = id.startsWith(site.root) ? id : resolve(site.root, `.${id.startsWith('/') ? id : `/${id}`}`);
      return pageIds.has(path) ? path : null;
    },

    load(id) {
      const lessonId = pageIds.get(id.split('?')[0]);
      if (lessonId === undefined) return null;
      return buildLessonPage(site, lessonId);
    },

    configureServer(server: ViteDevServer) {
      const lessonsDir = site.lessonsDir;
      server.watcher.add(lessonsDir);
      const reload = (file: string): void => {
        if (file.startsWith(lessonsDir + sep) && file.endsWith('.md')) server.ws.send({ type: 'full-reload' });
      };
      server.watcher.on('change', reload);
      server.watcher.on('add', reload);
      server.watcher.on('unlink', reload);

      server.middlewares.use(async (req, res, next) => {
        const url = (req.url ?? '').split(/[?#]/)[0];
        const match = PAGE_URL.exec(url);
        if (!match) return next();
        let html: string | null;
        try {
          html = buildLessonPage(site, match[1]);
        } catch (error) {
          server.config.logger.error(error instanceof Error ? error.message : String(error));
          res.statusCode = 500;
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.end(errorPage(error));
          return;
        }
        if (html === null) return next();
        try {
          const transformed = await server.transformIndexHtml(url, html, req.originalUrl);
          res.statusCode = 200;
          res.setHeader('Content-Type', 'text/html; charset=utf-8');
          res.setHeader('Cache-Control', 'no-cache');
          res.end(transformed);
        } catch (error) {
          next(error);
        }
      });
    },
  };
}
