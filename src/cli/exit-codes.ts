/**
 * Exit codes: part of the CLI's public interface (deploy scripts branch on them), so they are
 * stable. Documented in `session-seal --help`.
 */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** Data problem: verify or integrity failed, entries skipped/refused under --strict, rotate kept or dropped entries. */
  DATA: 1,
  /** Usage error: unknown command or option, missing or bad value, key text given as an argument. */
  USAGE: 2,
  /** Key material problem: missing, malformed, unsafe permissions, unknown kid, keyring rule. */
  KEY: 3,
  /** File problem: not found, too large, unsafe (symlink), not JSON, not a bundle, cannot write. */
  FILE: 4,
  /** Internal error: a bug in session-seal (BSD sysexits EX_SOFTWARE). */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
