import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * The board is served by the Pressure Board server from `client/dist/` (same origin),
 * so in development API and socket traffic is proxied to it.
 */
export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Geometry is one JSON module; keep it in its own chunk so the app code stays small.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'geometry', test: /england_nhs_regions_icbs/ }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
