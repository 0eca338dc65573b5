/**
 * Removing temp files that a crashed writer left beside a target (see temp-name.ts).
 *
 * A temp is stale when its writer's pid is not alive (`process.kill(pid, 0)` fails with ESRCH),
 * or when it is older than STALE_TEMP_AGE_MS whatever its pid — that covers a pid reused by an
 * unrelated process and temps written from another host sharing the directory. Removing a live
 * writer's temp never corrupts anything: its rename then fails with ENOENT and the target keeps
 * its previous content. Only regular files whose name matches our exact pattern for *this*
 * target are touched; symlinks, directories and other names are left alone.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileNotFoundError } from '../errors.js';
import { checkPath } from './args.js';
import { errnoCode, unlinkIfExists } from './fs-util.js';
import { parseTempFileName } from './temp-name.js';

/** A temp older than this (by mtime) is stale even if a process with its pid exists: 10 minutes. */
export const STALE_TEMP_AGE_MS = 10 * 60 * 1000;

/**
 * Remove the stale temp files of the target at `path`; resolves to how many were removed.
 *
 * @throws FileNotFoundError (ERR_FILE_NOT_FOUND) when the target's directory does not exist.
 * @throws TypeError for a bad `path`; OS errors (EACCES…) as-is.
 */
export async function cleanStaleTemps(path: string): Promise<number> {
  const target = checkPath(path);
  const dir = dirname(target);
  const base = basename(target);
  let removed = 0;
  for (const entry of await listDirectory(dir)) {
    if (!entry.isFile()) continue;
    const pid = parseTempFileName(base, entry.name);
    if (pid === undefined) continue;
    const temp = join(dir, entry.name);
    if (isProcessAlive(pid) && !(await isOlderThan(temp, Date.now() - STALE_TEMP_AGE_MS))) continue;
    if (await unlinkIfExists(temp)) removed++;
  }
  return removed;
}

async function listDirectory(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileNotFoundError(`directory not found: ${dir}`);
    throw err;
  }
}

/** EPERM means the process exists but belongs to someone else: alive. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}

/** A file already gone counts as not old: there is nothing left to remove. */
async function isOlderThan(file: string, cutoffMs: number): Promise<boolean> {
  try {
    return (await lstat(file)).mtimeMs < cutoffMs;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}
