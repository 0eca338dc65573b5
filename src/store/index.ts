/** The crash-safe file store (Node only). Named re-exports only. */
export { DEFAULT_FILE_MODE, DEFAULT_MAX_FILE_BYTES, MAX_FILE_BYTES_LIMIT } from './args.js';
export type { WriteFileAtomicOptions } from './atomic-file.js';
export { writeFileAtomic } from './atomic-file.js';
export type { FileStore, OpenStoreOptions } from './open-store.js';
export { openStore } from './open-store.js';
export type { ReadFileLimitedOptions } from './read-limited.js';
export { readFileLimited } from './read-limited.js';
export { cleanStaleTemps, STALE_TEMP_AGE_MS } from './stale-temps.js';
