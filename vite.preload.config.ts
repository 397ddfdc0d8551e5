import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// A sandboxed preload may require only `electron`: everything else (the contract, zod) is inlined
// into one CommonJS file.
export default defineConfig({
  build: {
    outDir: resolve(import.meta.dirname, 'dist/preload'),
    emptyOutDir: true,
    minify: false,
    target: 'chrome130',
    lib: { entry: resolve(import.meta.dirname, 'src/preload/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rolldownOptions: { external: ['electron'] },
  },
});
