// The one place the app imports the SDK from: its TypeScript source in ../sdk-typescript, bundled
// by esbuild (no separate build of the SDK needed, and the app always uses the SDK of this commit).
export * from '../../sdk-typescript/src/index.js';
