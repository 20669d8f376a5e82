import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { siteServiceWorker } from './src/site/build/service-worker';
import { copyRuntimeAssetsBesideBuild } from './src/site/build/runtime-assets';
import { BUNDLE_FILE, bundleRelativeBase, reportBundleSizes } from './src/site/build/widget-bundle';

/**
 * The widget bundle: `vite build --config vite.bundle.config.ts` writes dist/widgets/ with one ES
 * module that defines every widget (diffusion-lab.js) with the chunks it imports, the lab's worker,
 * tfjs's WebAssembly files and a copy of assets/. A page needs only `<script type="module" src=".../diffusion-lab.js">`.
 * Runs after the site build (which empties dist/), so it must not empty dist/ itself; being
 * last, it also writes the site's service worker, dist/sw.js (src/site/build/service-worker.ts).
 */
export default defineConfig({
  // Relative URLs between the bundle, its worker and the .wasm files: the folder works at any path.
  base: './',
  publicDir: false,
  worker: {
    format: 'es',
    rollupOptions: {
      output: { inlineDynamicImports: true, entryFileNames: '[name]-[hash].js', assetFileNames: '[name]-[hash][extname]' },
    },
  },
  build: {
    target: 'es2022',
    outDir: resolve(__dirname, 'dist/widgets'),
    emptyOutDir: true,
    assetsDir: '',
    // No source maps: the worker's alone would be ~17 MB in a folder meant to be copied around.
    sourcemap: false,
    copyPublicDir: false,
    // .vite/manifest.json: each chunk's static and dynamic imports, from which the size a page
    // loads up front is measured (firstLoadFiles in src/site/build/widget-bundle.ts).
    manifest: true,
    rollupOptions: {
      input: { 'diffusion-lab': resolve(__dirname, 'src/components/index.ts') },
      // Keep the entry's exports (the widget classes, WIDGET_TAGS, WIDGET_DOCS) for importers.
      preserveEntrySignatures: 'exports-only',
      output: {
        // Lazily imported code (tfjs for the 2-D widgets) goes to chunks beside the entry, fetched
        // the first time a widget needs it, so a page without those widgets loads none of it. The
        // chunks sit in the bundle's own folder: code that finds assets relative to its module's
        // URL (bundleRelativeBase) may end up in any of them.
        entryFileNames: BUNDLE_FILE,
        chunkFileNames: '[name]-[hash].js',
        assetFileNames: '[name]-[hash][extname]',
      },
    },
  },
  plugins: [
    bundleRelativeBase(),
    copyRuntimeAssetsBesideBuild(__dirname),
    reportBundleSizes(),
    // The last step of `npm run build`: the site's service worker, which needs the built site's file list.
    siteServiceWorker(__dirname),
  ],
});
