import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/tab', import.meta.url));

/**
 * The Teams tab: built into dist/tab and served by the API at /tab (src/api/routes/tab.ts).
 * Heavy screens (dashboard charts, admin, contract editor) and the optional hosts (teams-js inside
 * an iframe, MSAL for production browser sign-in) are separate chunks loaded on demand.
 */
export default defineConfig({
  root,
  base: '/tab/',
  plugins: [react()],
  logLevel: 'info',
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 900,
  },
});
