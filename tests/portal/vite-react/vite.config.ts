import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Nothing adagg-specific: Vite finds the worker (new Worker(new URL(...)))
// and the wasm chunk (import('../pkg/adagg_wasm.js')) in the package itself.
export default defineConfig({
  plugins: [react()],
});
