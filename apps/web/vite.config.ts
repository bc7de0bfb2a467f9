import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The gateway serves the built app at `/` beside `/graphql`, so the app uses relative URLs. In development
// Vite serves the app and forwards `/graphql` (HTTP and the graphql-ws WebSocket) and `/session` to a running
// gateway, keeping the Host header, so the session cookie and the gateway's same-site check see Vite's origin.
const gateway = process.env.TRIAD_GATEWAY_URL ?? 'http://localhost:4000';
const proxy = { '/graphql': { target: gateway, ws: true }, '/session': { target: gateway } };

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  cacheDir: '../../node_modules/.vite/web',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 4173, strictPort: true, proxy },
});
