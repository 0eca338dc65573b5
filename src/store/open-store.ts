/**
 * A file store bound to one path: cleans up a crashed writer's temp files on open, then reads with
 * the size limit and writes atomically with the mode chosen once.
 */
import { checkMaxBytes, checkMode, checkPath } from './args.js';
import { writeFileAtomic } from './atomic-file.js';
import { readFileLimited } from './read-limited.js';
import { cleanStaleTemps } from './stale-temps.js';

/** Options for `openStore`; both are validated at open. */
export interface OpenStoreOptions {
  /** Read limit in bytes. Default 256 MiB. */
  readonly maxBytes?: number;
  /** Permission bits of written files. Default 0o600. */
  readonly mode?: number;
}

/** One file, read and replaced whole. */
export interface FileStore {
  /** The absolute path, resolved at open. */
  readonly path: string;
  /** `readFileLimited(path, { maxBytes })`. */
  read(): Promise<Uint8Array>;
  /** `writeFileAtomic(path, data, { mode })`. */
  write(data: string | Uint8Array): Promise<void>;
}

/**
 * Open the store at `path`: validate the options, remove stale temp files left by a crashed writer
 * (`cleanStaleTemps`), and return the bound store. The file itself need not exist yet.
 *
 * @throws FileNotFoundError (ERR_FILE_NOT_FOUND) when the directory does not exist.
 */
export async function openStore(path: string, options: OpenStoreOptions = {}): Promise<FileStore> {
  const target = checkPath(path);
  const maxBytes = checkMaxBytes(options.maxBytes);
  const mode = checkMode(options.mode);
  await cleanStaleTemps(target);
  return Object.freeze({
    path: target,
    read: () => readFileLimited(target, { maxBytes }),
    write: (data: string | Uint8Array) => writeFileAtomic(target, data, { mode }),
  });
}
