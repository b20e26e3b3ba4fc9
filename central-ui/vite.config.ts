import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Built into dist/central-ui, which central serves at / (src/central/ui/console-static.controller.ts).
// `npm run central-ui:dev` proxies /api to a running central (CENTRAL_URL, default http://127.0.0.1:8443).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/central-ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: { proxy: { '/api': process.env.CENTRAL_URL ?? 'http://127.0.0.1:8443' } },
});
