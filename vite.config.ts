import { cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * The project's `assets/` folder (MNIST subset, checkpoints, reference classifier) is served as
 * is at /assets/ in development (Vite serves the project root) and copied next to the build, so
 * pages and the widget bundle load it from their own host.
 */
function copyProjectAssets(): Plugin {
  return {
    name: 'diffusion-lab-copy-assets',
    apply: 'build',
    async closeBundle() {
      const from = resolve(__dirname, 'assets');
      if (existsSync(from)) await cp(from, resolve(__dirname, 'dist/assets'), { recursive: true });
    },
  };
}

export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    // Vite's own output goes to /static/ so that /assets/ is the project's assets folder.
    assetsDir: 'static',
    sourcemap: true,
  },
  plugins: [copyProjectAssets()],
});
