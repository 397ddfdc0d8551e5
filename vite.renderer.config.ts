import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = resolve(import.meta.dirname, 'src/renderer');

// The renderer is built to static files served by the app scheme (Electron) or the loopback host.
// `host-shim.js` (window.api over HTTP) is a second entry with a fixed name: only the loopback host
// loads it, by injecting a script tag into index.html.
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/renderer'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: { index: resolve(root, 'index.html'), 'host-shim': resolve(root, 'host-shim.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'host-shim' ? 'host-shim.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
