import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/tab', import.meta.url));

/** Budget for the JavaScript a first visit downloads (entry chunk + its static imports). */
const INITIAL_JS_BUDGET_KB = 500;

/**
 * Prints the initial JavaScript (what the first screen needs, not the lazy chunks) gzipped, and
 * fails the build when it is over budget.
 */
function initialBundleReport(): Plugin {
  return {
    name: 'initial-bundle-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry);
      if (entry?.type !== 'chunk') return;
      const seen = new Set<string>();
      const visit = (name: string) => {
        if (seen.has(name)) return;
        seen.add(name);
        const chunk = bundle[name];
        if (chunk?.type === 'chunk') for (const i of chunk.imports) visit(i);
      };
      visit(entry.fileName);
      let raw = 0;
      let gz = 0;
      for (const name of seen) {
        const chunk = bundle[name];
        if (chunk?.type !== 'chunk') continue;
        raw += Buffer.byteLength(chunk.code);
        gz += gzipSync(chunk.code, { level: 9 }).length;
      }
      const kb = (n: number) => (n / 1024).toFixed(1);
      const line = `Initial JS (${seen.size} chunks): ${kb(raw)} KB, ${kb(gz)} KB gzipped (budget ${INITIAL_JS_BUDGET_KB} KB gzipped)`;
      console.log(`\n${line}`);
      if (gz / 1024 > INITIAL_JS_BUDGET_KB) this.error(`${line}: over budget`);
      this.emitFile({
        type: 'asset',
        fileName: 'bundle-report.json',
        source: JSON.stringify({ chunks: [...seen], rawBytes: raw, gzipBytes: gz }, null, 2),
      });
    },
  };
}

/**
 * The Teams tab: built into dist/tab and served by the API at /tab (src/api/routes/tab.ts).
 * Heavy screens (dashboard charts, admin, contract editor) and the optional hosts (teams-js inside
 * an iframe, MSAL for production browser sign-in) are separate chunks loaded on demand.
 */
export default defineConfig({
  root,
  base: '/tab/',
  plugins: [react(), initialBundleReport()],
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
