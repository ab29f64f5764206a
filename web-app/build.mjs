// Builds the web app into dist/: one ES module bundle (Preact, the app, the SDK from
// ../sdk-typescript/src), the stylesheet and index.html. No CDN, no inline script or style, so the
// gateway's Content-Security-Policy (script-src 'self'; style-src 'self') holds.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const dist = new URL('./dist/', import.meta.url);
await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await esbuild.build({
  entryPoints: ['src/main.tsx'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: 'dist/app.js',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});
await copyFile(new URL('./src/index.html', import.meta.url), new URL('./index.html', dist));
await copyFile(new URL('./src/styles.css', import.meta.url), new URL('./styles.css', dist));
console.log('web-app: built dist/');
