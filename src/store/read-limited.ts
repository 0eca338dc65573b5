/**
 * Reading a whole file under a size limit, with distinct errors for "missing", "too large" and
 * "not something we should read". Corrupt content is the caller's concern (a bundle parser reports
 * ERR_BUNDLE_MALFORMED).
 *
 * The size is checked with fstat on the descriptor we then read from, not stat-then-open, so the
 * file checked is the file read (no TOCTOU). The read itself also stops after `limit + 1` bytes,
 * because fstat can understate a size (a file still growing, /proc-style files that report 0).
 * O_NOFOLLOW refuses a symlink at the final component; O_NONBLOCK keeps open() from hanging on a
 * FIFO, which the fstat check then refuses.
 */
import { constants } from 'node:fs';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import { FileNotFoundError, FileTooLargeError, FileUnsafeError } from '../errors.js';
import { checkMaxBytes, checkPath } from './args.js';
import { errnoCode, O_NOFOLLOW, O_NONBLOCK } from './fs-util.js';

/** Options for `readFileLimited`. */
export interface ReadFileLimitedOptions {
  /** Largest accepted file size in bytes, 0 … 2^31 − 2. Default 256 MiB. */
  readonly maxBytes?: number;
}

/**
 * The whole content of the regular file at `path`, as bytes.
 *
 * @throws FileNotFoundError (ERR_FILE_NOT_FOUND) when the file (or a directory on its path) does not exist.
 * @throws FileTooLargeError (ERR_FILE_TOO_LARGE) when it holds more than `maxBytes` bytes; at most
 *   `maxBytes + 1` bytes are ever read, none when fstat already shows the excess.
 * @throws FileUnsafeError (ERR_FILE_UNSAFE) when it is a symlink or not a regular file.
 * @throws TypeError / RangeError for a bad `path` or `maxBytes`; other OS errors (EACCES…) as-is.
 */
export async function readFileLimited(
  path: string,
  options: ReadFileLimitedOptions = {},
): Promise<Uint8Array> {
  const file = checkPath(path);
  const maxBytes = checkMaxBytes(options.maxBytes);
  const handle = await openForRead(file);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileUnsafeError('not a regular file');
    if (info.size > maxBytes) throw new FileTooLargeError(maxBytes);
    return await readAtMost(handle, info.size, maxBytes);
  } finally {
    await handle.close();
  }
}

async function openForRead(file: string): Promise<FileHandle> {
  try {
    // Without O_NOFOLLOW (Windows) fall back to lstat; the race it leaves is documented above.
    if (O_NOFOLLOW === 0 && (await lstat(file)).isSymbolicLink()) throw symlinkRefused();
    return await open(file, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    switch (errnoCode(err)) {
      case 'ENOENT':
      case 'ENOTDIR':
        throw new FileNotFoundError(`file not found: ${file}`);
      case 'ELOOP': // O_NOFOLLOW on a symlink (Linux, macOS)
        throw symlinkRefused();
      case 'EISDIR': // a directory on platforms that refuse to open one for reading
      case 'ENXIO': // a socket
        throw new FileUnsafeError('not a regular file');
      default:
        throw err;
    }
  }
}

function symlinkRefused(): FileUnsafeError {
  return new FileUnsafeError('refusing to follow a symbolic link');
}

/** Read to EOF into a buffer of at most `maxBytes + 1` bytes; filling it means the file is too large. */
async function readAtMost(handle: FileHandle, sizeHint: number, maxBytes: number): Promise<Uint8Array> {
  let buffer = new Uint8Array(Math.min(sizeHint, maxBytes) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > maxBytes) throw new FileTooLargeError(maxBytes);
      const grown = new Uint8Array(Math.min(buffer.length * 2, maxBytes + 1));
      grown.set(buffer);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
  }
}
