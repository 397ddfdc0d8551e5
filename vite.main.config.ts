import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// Electron main, bundled to CommonJS. Runtime dependencies stay external so native modules load
// from node_modules (unpacked from asar by electron-builder).
const external = ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)];

export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, 'dist/main'),
    emptyOutDir: true,
    minify: false,
    target: 'node20',
    lib: { entry: resolve(import.meta.dirname, 'src/main/main.ts'), formats: ['cjs'], fileName: () => 'main.cjs' },
    rolldownOptions: { external },
  },
});
