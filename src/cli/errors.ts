/**
 * CLI failures and their mapping to exit codes, messages and hints.
 *
 * Library errors already carry a stable `code` and a message without secrets (src/errors.ts); this
 * module only decides the exit code and adds a `hint:` where a fix is known. Node's own system
 * errors (EACCES, EEXIST…) are rewritten from their errno code and path: their messages are not
 * ours to vouch for. Anything else is a bug, reported by class name only.
 */
import { isSessionSealError, type SessionSealErrorCode } from '../index.node.js';
import { EXIT, type ExitCode } from './exit-codes.js';

/** Codes the CLI adds to the library's. */
export type CliErrorCode =
  | 'ERR_USAGE'
  | 'ERR_INPUT_MALFORMED'
  | 'ERR_FILE_EXISTS'
  | 'ERR_KEY_NOT_DISABLED'
  | 'ERR_IO'
  | 'ERR_INTERNAL';

/** A failure detected by the CLI itself. `message` and `hint` must hold no secret and no raw input. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exit: ExitCode;
  readonly hint: string | undefined;
  constructor(code: CliErrorCode, exit: ExitCode, message: string, hint?: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exit = exit;
    this.hint = hint;
  }
}

/** Bad flags or arguments: exit 2. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError('ERR_USAGE', EXIT.USAGE, message, hint);
}

/** What main prints for a failure. */
export interface Failure {
  readonly exit: ExitCode;
  readonly code: SessionSealErrorCode | CliErrorCode;
  readonly message: string;
  readonly hint?: string;
}

const EXIT_BY_CODE: Readonly<Record<SessionSealErrorCode, ExitCode>> = {
  ERR_ENVELOPE_MALFORMED: EXIT.DATA,
  ERR_ENVELOPE_UNSUPPORTED_VERSION: EXIT.DATA,
  ERR_ENVELOPE_TOO_LARGE: EXIT.DATA,
  ERR_DECRYPTION_FAILED: EXIT.DATA,
  ERR_SESSION_INVALID: EXIT.DATA,
  ERR_SESSION_EXPIRED: EXIT.DATA,
  ERR_SESSION_DUPLICATE: EXIT.DATA,
  ERR_SESSION_LIMIT: EXIT.DATA,
  ERR_BUNDLE_INTEGRITY: EXIT.DATA,
  ERR_KEY_NOT_FOUND: EXIT.KEY,
  ERR_KEY_DISABLED: EXIT.KEY,
  ERR_KEYRING_INVALID: EXIT.KEY,
  ERR_KEY_FORMAT: EXIT.KEY,
  ERR_KEY_MATERIAL_MISSING: EXIT.KEY,
  ERR_KEY_FILE_PERMISSIONS: EXIT.KEY,
  ERR_BUNDLE_MALFORMED: EXIT.FILE,
  ERR_BUNDLE_UNSUPPORTED_VERSION: EXIT.FILE,
  ERR_BUNDLE_TOO_LARGE: EXIT.FILE,
  ERR_FILE_NOT_FOUND: EXIT.FILE,
  ERR_FILE_TOO_LARGE: EXIT.FILE,
  ERR_FILE_UNSAFE: EXIT.FILE,
};

/** Context for hints that depend on how the command was called. */
export interface HintContext {
  readonly command: string;
  readonly envVar: string;
}

function libraryHint(code: SessionSealErrorCode, err: unknown, ctx: HintContext): string | undefined {
  switch (code) {
    case 'ERR_KEY_MATERIAL_MISSING':
      return `set ${ctx.envVar} or pass --key-file <path>; create a key with: session-seal keygen --out <path>`;
    case 'ERR_KEY_FILE_PERMISSIONS':
      return (err as { hint?: unknown }).hint === undefined
        ? undefined
        : String((err as { hint: unknown }).hint);
    case 'ERR_KEY_FORMAT':
      return 'the key text is damaged, truncated or not a session-seal key; copy it again from where it is stored';
    case 'ERR_KEY_NOT_FOUND':
      return 'list the keyring with: session-seal keys list';
    case 'ERR_KEYRING_INVALID':
      return 'see: session-seal keys --help';
    case 'ERR_BUNDLE_MALFORMED':
      return 'this is not a sealed bundle; to seal a SessionState[] export use: session-seal seal';
    case 'ERR_BUNDLE_UNSUPPORTED_VERSION':
      return 'the file was written by a newer session-seal; upgrade to read it';
    case 'ERR_BUNDLE_INTEGRITY':
      return ctx.command === 'rotate'
        ? 'check the file with: session-seal verify; re-run with --force to re-seal the current list anyway'
        : 'restore the file from a trusted copy; without --require-integrity, unseal restores the entries that verify';
    case 'ERR_FILE_UNSAFE':
      return 'point to a regular file, not a symbolic link, directory or device';
    case 'ERR_FILE_TOO_LARGE':
    case 'ERR_BUNDLE_TOO_LARGE':
      return 'the limit protects against hostile input; split the export if it is genuine';
    default:
      return undefined;
  }
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ENOENT: 'no such file or directory',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
};

/** Classify anything thrown by a command. Never copies a foreign message that could hold input. */
export function toFailure(err: unknown, ctx: HintContext): Failure {
  if (err instanceof CliError) {
    return { exit: err.exit, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  }
  if (isSessionSealError(err)) {
    const hint = libraryHint(err.code, err, ctx);
    return { exit: EXIT_BY_CODE[err.code], code: err.code, message: err.message, ...(hint ? { hint } : {}) };
  }
  const errno = systemErrorCode(err);
  if (errno !== undefined) {
    const path = (err as { path?: unknown }).path;
    const where = typeof path === 'string' ? `${path}: ` : '';
    return {
      exit: EXIT.FILE,
      code: 'ERR_IO',
      message: `${where}${ERRNO_TEXT[errno] ?? 'system error'} (${errno})`,
    };
  }
  // Only the class name and Node's error code: a foreign message may quote its input ("Received …").
  const name = err instanceof Error ? err.name : typeof err;
  const code = (err as { code?: unknown } | null)?.code;
  const what = typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? `${name} ${code}` : name;
  return {
    exit: EXIT.INTERNAL,
    code: 'ERR_INTERNAL',
    message: `internal error (${what})`,
    hint: 'this is a bug in session-seal; please report it with the command you ran (never the key)',
  };
}

function systemErrorCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || !('syscall' in err)) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}
