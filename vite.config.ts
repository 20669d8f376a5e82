import { defineConfig } from 'vite';

// The site is a multi-page static build: the landing page plus lesson and demo pages.
export default defineConfig({
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022', outDir: 'dist', sourcemap: true },
});
