/**
 * Names of the temporary files `writeFileAtomic` creates beside its target, and the one parser
 * that recognises them, so the writer and `cleanStaleTemps` cannot drift apart.
 *
 * Form: `<basename>.<pid>.<tag>.tmp`, where `pid` is the writer's process id (decimal, no leading
 * zero) and `tag` is 16 lowercase hex digits (64 random bits, so concurrent writers in one process
 * never collide). The pid lets a cleaner tell a crashed writer's leftover (pid gone) from a live
 * writer's temp. The temp lives in the target's directory because rename(2) is atomic only within
 * one filesystem. The suffix adds up to 32 characters, so a target name within that of the
 * filesystem's NAME_MAX (usually 255) fails with the OS error ENAMETOOLONG.
 */
import { randomBytes } from 'node:crypto';

const SUFFIX = /^([1-9][0-9]{0,9})\.([0-9a-f]{16})\.tmp$/;

/** The temp file name for `base` written by process `pid`, with a fresh random tag. */
export function tempFileName(base: string, pid: number): string {
  return `${base}.${pid}.${randomBytes(8).toString('hex')}.tmp`;
}

/** The writer's pid if `name` is one of our temp names for target `base`, else `undefined`. */
export function parseTempFileName(base: string, name: string): number | undefined {
  if (!name.startsWith(`${base}.`)) return undefined;
  const match = SUFFIX.exec(name.slice(base.length + 1));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
