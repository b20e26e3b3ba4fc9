import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Built into dist/station-ui, which the station serves at / (src/station/api/static-ui.controller.ts).
// `npm run ui:dev` proxies /api to a running station (STATION_URL, default http://127.0.0.1:8080).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/station-ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
  server: { proxy: { '/api': process.env.STATION_URL ?? 'http://127.0.0.1:8080' } },
});
