import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { copyRuntimeAssetsBesideBuild } from './src/site/build/runtime-assets';
import { lessonPages } from './src/site/vite-lessons';

/**
 * Vite's static servers label `.gz` files with `Content-Encoding: gzip`, so the browser would
 * unzip the MNIST files on the way and their size and hash checks would fail. Static hosts send
 * them as plain bytes; this middleware does the same in development and preview.
 */
function rawGzipAssets(): Plugin {
  const serveFrom = (root: string) => async (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = (req.url ?? '').split('?')[0];
    if (!/^\/assets\/[\w./-]+\.gz$/.test(url) || url.includes('..')) return next();
    try {
      const body = await readFile(resolve(root, `.${url}`));
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Length', body.length);
      res.end(body);
    } catch {
      next();
    }
  };
  return {
    name: 'diffusion-lab-raw-gzip-assets',
    configureServer(server) {
      server.middlewares.use(serveFrom(__dirname));
    },
    configurePreviewServer(server) {
      // The folder the preview really serves (tests preview builds in temporary folders).
      server.middlewares.use(serveFrom(resolve(server.config.root, server.config.build.outDir)));
    },
  };
}

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  // Every bare import the pages and the lab worker use, pre-bundled at start-up: a dependency
  // found later (e.g. behind a lazy widget import) would make Vite reload the open page.
  optimizeDeps: {
    include: [
      'lit',
      'lit/decorators.js',
      'd3',
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      // The notebook's editor (page) and its parser (kernel worker).
      '@codemirror/commands',
      '@codemirror/lang-javascript',
      '@codemirror/language',
      '@codemirror/state',
      '@codemirror/view',
      '@lezer/highlight',
    ],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    // Vite's own output goes to /static/ so that /assets/ is the project's assets folder.
    assetsDir: 'static',
    sourcemap: true,
    // Pages of the site besides the lessons (src/site/vite-lessons.ts adds those): the landing page
    // and the teacher's page of the widgets.
    rollupOptions: {
      input: { index: resolve(__dirname, 'index.html'), demo: resolve(__dirname, 'demo/index.html') },
    },
  },
  // The project's assets/ is served as is at /assets/ in development (Vite serves the project
  // root) and copied beside the build, less the folders only the build reads.
  plugins: [rawGzipAssets(), copyRuntimeAssetsBesideBuild(__dirname), lessonPages()],
});
