/**
 * Small filesystem helpers shared by the store modules: errno codes, quiet removal, POSIX open flags.
 */
import { constants } from 'node:fs';
import { unlink } from 'node:fs/promises';

/**
 * `O_NOFOLLOW` and `O_NONBLOCK` are POSIX; Node leaves them undefined on Windows, where `0` keeps
 * the flag arithmetic valid and callers fall back to an `lstat` check.
 */
export const O_NOFOLLOW: number = constants.O_NOFOLLOW ?? 0;
export const O_NONBLOCK: number = constants.O_NONBLOCK ?? 0;

/** The `code` of a Node system error (`ENOENT`, `ELOOP`…), or `undefined` for anything else. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const { code } = err as { code: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** Remove a file; `false` if it was already gone (a concurrent cleaner won). Other errors propagate. */
export async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}
