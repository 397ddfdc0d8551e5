import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// Electron main, bundled to CommonJS, with the job worker (`src/core/jobs/worker.ts`) as a second
// entry: `dist/main/worker.cjs`, which main.ts hands to the job runner. Runtime dependencies stay
// external so native modules load from node_modules (unpacked from asar by electron-builder).
const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)];

export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, 'dist/main'),
    emptyOutDir: true,
    minify: false,
    target: 'node20',
    lib: {
      entry: {
        main: resolve(import.meta.dirname, 'src/main/main.ts'),
        worker: resolve(import.meta.dirname, 'src/core/jobs/worker.ts'),
      },
      formats: ['cjs'],
      fileName: (_format, name) => `${name}.cjs`,
    },
    rolldownOptions: { external },
  },
});
