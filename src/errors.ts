/**
 * Typed errors. Every failure the library reports on *data* (envelopes, bundles, key material,
 * session records, files) is a `SessionSealError` with a stable `code`; `switch (err.code)` narrows
 * to the subclass. Programmer errors (wrong argument types, out-of-range options) stay plain
 * `TypeError` / `RangeError`.
 *
 * Messages are constants or built only from public, library-chosen values (a kid, a field path, a
 * limit). They never contain key bytes, API keys, plaintext or raw input (SECURITY.md §Secrets).
 */

/** Every stable error code. Adding a code is a minor change; renaming one is a breaking change. */
export const ERROR_CODES = [
  'ERR_ENVELOPE_MALFORMED',
  'ERR_ENVELOPE_UNSUPPORTED_VERSION',
  'ERR_ENVELOPE_TOO_LARGE',
  'ERR_KEY_NOT_FOUND',
  'ERR_KEY_DISABLED',
  'ERR_DECRYPTION_FAILED',
  'ERR_SESSION_INVALID',
  'ERR_SESSION_EXPIRED',
  'ERR_SESSION_DUPLICATE',
  'ERR_SESSION_LIMIT',
  'ERR_KEYRING_INVALID',
  'ERR_KEY_FORMAT',
  'ERR_KEY_MATERIAL_MISSING',
  'ERR_KEY_FILE_PERMISSIONS',
  'ERR_BUNDLE_MALFORMED',
  'ERR_BUNDLE_UNSUPPORTED_VERSION',
  'ERR_BUNDLE_TOO_LARGE',
  'ERR_BUNDLE_INTEGRITY',
  'ERR_FILE_NOT_FOUND',
  'ERR_FILE_TOO_LARGE',
  'ERR_FILE_UNSAFE',
] as const;

export type SessionSealErrorCode = (typeof ERROR_CODES)[number];

/** One schema violation: where and which rule. Never the offending value. */
export interface ValidationIssue {
  /** Path into the record, e.g. `['context', 'n8nApiKey']`. Keys are field names, not values. */
  readonly path: readonly (string | number)[];
  /** A stable rule name, e.g. `required`, `type`, `too_long`, `placeholder`, `url_protocol`. */
  readonly code: string;
}

/** Base class. Prefer narrowing on `code` over `instanceof` (works across package copies). */
export class SessionSealError<C extends SessionSealErrorCode = SessionSealErrorCode> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'SessionSealError';
  }
}

/** The envelope's structure, lengths or encoding are wrong (SPEC §5). */
export class EnvelopeMalformedError extends SessionSealError<'ERR_ENVELOPE_MALFORMED'> {
  constructor(message = 'sealed record is malformed') {
    super('ERR_ENVELOPE_MALFORMED', message);
  }
}

/** The envelope's version byte names a format this build does not implement (SPEC §5.1). */
export class UnsupportedVersionError extends SessionSealError<'ERR_ENVELOPE_UNSUPPORTED_VERSION'> {
  readonly version: number;
  constructor(version: number) {
    super('ERR_ENVELOPE_UNSUPPORTED_VERSION', `unsupported envelope version ${version}`);
    this.version = version;
  }
}

/** The envelope exceeds the size limit; rejected before any decoding (SPEC §6). */
export class EnvelopeTooLargeError extends SessionSealError<'ERR_ENVELOPE_TOO_LARGE'> {
  constructor(limit: number) {
    super('ERR_ENVELOPE_TOO_LARGE', `sealed record exceeds the limit of ${limit} characters`);
  }
}

/** No key with this kid in the keyring. The kid is public (it is in the clear envelope). */
export class KeyNotFoundError extends SessionSealError<'ERR_KEY_NOT_FOUND'> {
  readonly kid: string;
  constructor(kid: string) {
    super('ERR_KEY_NOT_FOUND', `no key with kid ${kid} in the keyring`);
    this.kid = kid;
  }
}

/** The kid is known but its key is disabled: it may no longer decrypt. */
export class KeyDisabledError extends SessionSealError<'ERR_KEY_DISABLED'> {
  readonly kid: string;
  constructor(kid: string) {
    super('ERR_KEY_DISABLED', `key ${kid} is disabled`);
    this.kid = kid;
  }
}

/**
 * Commitment mismatch, tag mismatch, wrong key bytes or wrong binding (sessionId, timestamps).
 * One constant message for all of them, so the error is no oracle (SPEC §7 step 4).
 */
export class DecryptionFailedError extends SessionSealError<'ERR_DECRYPTION_FAILED'> {
  constructor() {
    super('ERR_DECRYPTION_FAILED', 'decryption failed');
  }
}

/** The record does not satisfy the SessionState schema. Carries `{path, code}` issues only. */
export class SessionInvalidError extends SessionSealError<'ERR_SESSION_INVALID'> {
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[]) {
    const first = issues[0];
    const where = first ? ` at ${printablePath(first.path)}: ${first.code}` : '';
    const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
    super('ERR_SESSION_INVALID', `session record is invalid${where}${more}`);
    this.issues = issues;
  }
}

/**
 * A path for a message. Member names can come from the input (an unknown member, a
 * `context.metadata` key), so only identifier-like segments are shown; others print as `[key]`.
 * The structured `issues` keep the exact path.
 */
function printablePath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p) => (typeof p === 'number' || /^[A-Za-z_$][\w$-]{0,63}$/.test(p) ? p : '[key]'))
    .join('.');
}

/** Restore rule: `now - lastAccess > sessionTimeout`. */
export class SessionExpiredError extends SessionSealError<'ERR_SESSION_EXPIRED'> {
  constructor() {
    super('ERR_SESSION_EXPIRED', 'session has expired');
  }
}

/** Restore rule: a sessionId seen earlier in the same bundle wins. */
export class SessionDuplicateError extends SessionSealError<'ERR_SESSION_DUPLICATE'> {
  constructor() {
    super('ERR_SESSION_DUPLICATE', 'duplicate sessionId; the first entry wins');
  }
}

/** Restore rule: `maxSessions` was reached. */
export class SessionLimitError extends SessionSealError<'ERR_SESSION_LIMIT'> {
  constructor(limit: number) {
    super('ERR_SESSION_LIMIT', `session limit of ${limit} reached`);
  }
}

/** A keyring invariant does not hold (exactly one enabled primary, unique kids, 32-byte keys…). */
export class KeyringInvalidError extends SessionSealError<'ERR_KEYRING_INVALID'> {
  constructor(message: string) {
    super('ERR_KEYRING_INVALID', message);
  }
}

/** Key or keyring text form is not valid (prefix, checksum, length, version, cost cap). */
export class KeyFormatError extends SessionSealError<'ERR_KEY_FORMAT'> {
  constructor(message: string) {
    super('ERR_KEY_FORMAT', message);
  }
}

/** No key material where it was expected. Never replaced by a random key. */
export class KeyMaterialMissingError extends SessionSealError<'ERR_KEY_MATERIAL_MISSING'> {
  constructor(message: string) {
    super('ERR_KEY_MATERIAL_MISSING', message);
  }
}

/** A key file readable by group or others (or not a regular file). */
export class KeyFilePermissionsError extends SessionSealError<'ERR_KEY_FILE_PERMISSIONS'> {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super('ERR_KEY_FILE_PERMISSIONS', message);
    this.hint = hint;
  }
}

/** The document is not a sealed bundle (structure, encoding). */
export class BundleMalformedError extends SessionSealError<'ERR_BUNDLE_MALFORMED'> {
  constructor(message = 'sealed bundle is malformed') {
    super('ERR_BUNDLE_MALFORMED', message);
  }
}

/** The bundle's format version is not one this build implements. */
export class BundleUnsupportedVersionError extends SessionSealError<'ERR_BUNDLE_UNSUPPORTED_VERSION'> {
  constructor(format: string) {
    // The format string is input: echo it only when it is a plausible version name, so no control
    // characters or secrets reach a log through this message.
    const shown = /^session-seal\/bundle\/[A-Za-z0-9._-]{1,16}$/.test(format)
      ? format
      : 'session-seal/bundle/(unrecognised)';
    super('ERR_BUNDLE_UNSUPPORTED_VERSION', `unsupported bundle format ${shown}`);
  }
}

/** Bundle exceeds a size or count limit; checked before parsing. */
export class BundleTooLargeError extends SessionSealError<'ERR_BUNDLE_TOO_LARGE'> {
  constructor(message: string) {
    super('ERR_BUNDLE_TOO_LARGE', message);
  }
}

/** Entry list was removed from, duplicated, reordered, injected into or truncated (MAC mismatch). */
export class BundleIntegrityError extends SessionSealError<'ERR_BUNDLE_INTEGRITY'> {
  constructor(message = 'bundle integrity check failed') {
    super('ERR_BUNDLE_INTEGRITY', message);
  }
}

/** The file does not exist (as opposed to existing but corrupt). */
export class FileNotFoundError extends SessionSealError<'ERR_FILE_NOT_FOUND'> {
  constructor(message = 'file not found') {
    super('ERR_FILE_NOT_FOUND', message);
  }
}

/** The file exceeds the read limit; nothing was read. */
export class FileTooLargeError extends SessionSealError<'ERR_FILE_TOO_LARGE'> {
  constructor(limit: number) {
    super('ERR_FILE_TOO_LARGE', `file exceeds the limit of ${limit} bytes`);
  }
}

/** The target is a symlink or not a regular file; refused. */
export class FileUnsafeError extends SessionSealError<'ERR_FILE_UNSAFE'> {
  constructor(message: string) {
    super('ERR_FILE_UNSAFE', message);
  }
}

/** Discriminated union of every concrete error: `switch (e.code)` narrows to the class. */
export type AnySessionSealError =
  | EnvelopeMalformedError
  | UnsupportedVersionError
  | EnvelopeTooLargeError
  | KeyNotFoundError
  | KeyDisabledError
  | DecryptionFailedError
  | SessionInvalidError
  | SessionExpiredError
  | SessionDuplicateError
  | SessionLimitError
  | KeyringInvalidError
  | KeyFormatError
  | KeyMaterialMissingError
  | KeyFilePermissionsError
  | BundleMalformedError
  | BundleUnsupportedVersionError
  | BundleTooLargeError
  | BundleIntegrityError
  | FileNotFoundError
  | FileTooLargeError
  | FileUnsafeError;

/** Type guard: true for any session-seal error, optionally of one code. */
export function isSessionSealError<C extends SessionSealErrorCode>(
  value: unknown,
  code?: C,
): value is Extract<AnySessionSealError, { code: C }> {
  return value instanceof SessionSealError && (code === undefined || value.code === code);
}
