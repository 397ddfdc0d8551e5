import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import pkg from './package.json' with { type: 'json' };

// Electron main, bundled to CommonJS, with the job worker (`src/core/jobs/worker.ts`) as a second
// entry: `dist/main/worker.js`, handed to the job runner by main.ts and found beside the runner's
// chunk by worker threads that start further workers. The import's parse thread
// (`src/core/ingest/parse-worker.ts`) is a third: `parse-worker.js`, found beside its caller's chunk. Runtime dependencies stay external so native
// modules load from node_modules (unpacked from asar by electron-builder).
// ESM-only packages (no `require` export) cannot be required from CommonJS: they are bundled.
const ESM_ONLY = new Set(['canonicalize']);
const external = [
  'electron',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies).filter((d) => !ESM_ONLY.has(d)),
];

/**
 * CommonJS has no `import.meta`: give every module its real location instead, before Vite's asset
 * handling would turn `new URL('./worker.js', import.meta.url)` into an inlined file (the job
 * runner resolves the worker beside itself at run time).
 */
const moduleLocation: Plugin = {
  name: 'mailtrail:module-location',
  enforce: 'pre',
  transform(code, id) {
    if (!/\.[cm]?tsx?$/.test(id) || !code.includes('import.meta.')) return null;
    return code.replaceAll('import.meta.url', '__mailtrailModuleUrl').replaceAll('import.meta.dirname', '__dirname');
  },
};

/** `dist/main/package.json`: the `.js` files of this CommonJS bundle are CommonJS (the root package is ESM). */
const commonjsScope: Plugin = {
  name: 'mailtrail:commonjs-scope',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'package.json', source: `${JSON.stringify({ type: 'commonjs' })}\n` });
  },
};

export default defineConfig({
  plugins: [moduleLocation, commonjsScope],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/main'),
    emptyOutDir: true,
    minify: false,
    target: 'node20',
    lib: {
      entry: {
        main: resolve(import.meta.dirname, 'src/main/main.ts'),
        worker: resolve(import.meta.dirname, 'src/core/jobs/worker.ts'),
        'parse-worker': resolve(import.meta.dirname, 'src/core/ingest/parse-worker.ts'),
      },
      formats: ['cjs'],
      fileName: (_format, name) => (name === 'worker' || name === 'parse-worker' ? `${name}.js` : `${name}.cjs`),
    },
    rolldownOptions: {
      external,
      output: {
        chunkFileNames: '[name]-[hash].cjs',
        banner: "var __mailtrailModuleUrl = require('node:url').pathToFileURL(__filename).href;",
      },
    },
  },
});
