/**
 * Crash-safe replacement of a whole file: after a crash the target holds either the complete old
 * content or the complete new content, never a mix or a truncation.
 *
 * Steps: open the target's directory (a missing directory is ERR_FILE_NOT_FOUND) → refuse a
 * symlink or non-regular file at the target (ERR_FILE_UNSAFE) → create a temp file in the same
 * directory with O_CREAT|O_EXCL|O_NOFOLLOW → fchmod to the mode → write → fsync(temp) → close →
 * rename(temp, target) → fsync(directory).
 *
 * Why not npm `write-file-atomic`: it fsyncs the file but not the directory. rename(2) only changes
 * a directory entry, and that entry reaches the disk when the *directory* is synced; after a power
 * loss without it the target may still name the old file (or, for a new target, nothing), even
 * though the new data blocks were flushed. POSIX rename(2) gives atomicity; the two fsyncs give
 * durability. Writing our own is a few dozen lines and avoids a runtime dependency.
 *
 * Why the symlink refusal: rename(2) replaces the directory entry itself and never writes through
 * a symlink, so the link's destination cannot be overwritten even in a race between our `lstat` and
 * the rename. A symlink where a sealed store should be is still a misconfiguration or an attack;
 * refusing it makes that visible instead of silently replacing the link with a regular file.
 *
 * The new file always gets `mode` (default 0600), set with fchmod so the umask cannot change it; an
 * existing file's mode and owner are not carried over, since this file holds sealed secrets.
 * OS errors that are not ours (EACCES, ENOSPC, EROFS…) propagate unchanged; the temp file is
 * removed on every failure before the rename.
 */
import { constants, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileNotFoundError, FileUnsafeError } from '../errors.js';
import { checkMode, checkPath, toBytes } from './args.js';
import { errnoCode, O_NOFOLLOW, unlinkIfExists } from './fs-util.js';
import { tempFileName } from './temp-name.js';

/** Options for `writeFileAtomic`. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the written file, 0 … 0o777. Default 0o600; the umask does not apply. */
  readonly mode?: number;
}

const TEMP_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW;

/**
 * Replace the file at `path` with `data` (a string is written as UTF-8), atomically and durably.
 *
 * @throws FileNotFoundError (ERR_FILE_NOT_FOUND) when the parent directory does not exist.
 * @throws FileUnsafeError (ERR_FILE_UNSAFE) when the target is a symlink or not a regular file.
 * @throws TypeError / RangeError for a bad `path`, `data` or `mode`.
 * @throws the OS error (EACCES, ENOSPC, …) as-is for anything else. If the final directory fsync
 *   fails, the new content is already in place but may not survive a power loss.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const target = checkPath(path);
  const bytes = toBytes(data);
  const mode = checkMode(options.mode);
  const dir = dirname(target);
  const dirHandle = await openDirectory(dir);
  try {
    await refuseUnsafeTarget(target);
    await replaceViaTemp(target, bytes, mode);
    if (dirHandle !== undefined) await syncDirectory(dirHandle);
  } finally {
    await dirHandle?.close();
  }
}

/**
 * Open the directory for the final fsync; a missing directory is our ERR_FILE_NOT_FOUND. Windows
 * cannot open a directory as a file (and NTFS journals renames), so there we only check it exists.
 */
async function openDirectory(dir: string): Promise<FileHandle | undefined> {
  try {
    if (process.platform !== 'win32') return await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    if ((await stat(dir)).isDirectory()) return undefined;
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  throw new FileNotFoundError(`directory not found: ${dir}`);
}

async function refuseUnsafeTarget(target: string): Promise<void> {
  let info: Stats;
  try {
    info = await lstat(target);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  if (info.isSymbolicLink()) throw new FileUnsafeError('refusing to replace a symbolic link');
  if (!info.isFile()) throw new FileUnsafeError('target is not a regular file');
}

/**
 * Write and fsync a fresh temp file beside the target, then rename it over the target. Until the
 * rename has happened, any failure closes and removes the temp before the error propagates.
 */
async function replaceViaTemp(target: string, bytes: Uint8Array, mode: number): Promise<void> {
  const temp = join(dirname(target), tempFileName(basename(target), process.pid));
  const handle = await open(temp, TEMP_FLAGS, mode);
  try {
    try {
      await handle.chmod(mode);
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await unlinkIfExists(temp).catch(() => undefined);
    throw err;
  }
}

/**
 * fsync the directory so the rename itself is durable. Some filesystems cannot sync a directory and
 * say so with EINVAL / ENOTSUP (fsync(2)); there the rename is as durable as the filesystem allows.
 */
async function syncDirectory(handle: FileHandle): Promise<void> {
  try {
    await handle.sync();
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw err;
  }
}
