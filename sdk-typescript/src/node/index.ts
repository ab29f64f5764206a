/** Node-only parts of the SDK (they import `node:` modules, which browsers do not have). */
export { FileStore } from './file-store.js';
