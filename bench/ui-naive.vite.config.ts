import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The baseline page of `npm run bench -- ui` (built into the benchmark's work directory).
export default defineConfig({
  root: resolve(import.meta.dirname, 'ui-naive'),
  base: './',
  logLevel: 'warn',
  build: { emptyOutDir: true, chunkSizeWarningLimit: 4096 },
});
