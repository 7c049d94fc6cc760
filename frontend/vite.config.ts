import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The API runs on the Go server; in `npm run dev` point TEIXIT_API at it (default http://127.0.0.1:8080).
const api = process.env.TEIXIT_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2020',
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': api, '/readyz': api, '/healthz': api },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
