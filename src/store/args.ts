/**
 * Argument guards for the store: programmer errors are `TypeError` / `RangeError` and name the
 * argument, never its value.
 */
import { resolve } from 'node:path';
import { isWellFormed, utf8Encode } from '../encoding/utf8.js';

/** Default permission bits of files the store writes: owner read/write only. */
export const DEFAULT_FILE_MODE = 0o600;

/** Default read limit: 256 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Largest accepted read limit. The read buffer is `limit + 1` bytes and one `read(2)` call through
 * Node may ask for at most 2^31 − 1 bytes.
 */
export const MAX_FILE_BYTES_LIMIT = 2 ** 31 - 2;

/**
 * The absolute form of a file path. Resolved once, so a store keeps pointing at the same file when
 * the working directory changes later.
 */
export function checkPath(path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty string');
  return resolve(path);
}

/** Permission bits (0 … 0o777), default 0o600. */
export function checkMode(mode: unknown): number {
  if (mode === undefined) return DEFAULT_FILE_MODE;
  if (typeof mode !== 'number') throw new TypeError('mode must be a number');
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777)
    throw new RangeError('mode must be an integer in 0..0o777');
  return mode;
}

/** A byte limit (0 … MAX_FILE_BYTES_LIMIT), default DEFAULT_MAX_FILE_BYTES. `0` is a real limit. */
export function checkMaxBytes(maxBytes: unknown): number {
  if (maxBytes === undefined) return DEFAULT_MAX_FILE_BYTES;
  if (typeof maxBytes !== 'number') throw new TypeError('maxBytes must be a number');
  if (!Number.isInteger(maxBytes) || maxBytes < 0 || maxBytes > MAX_FILE_BYTES_LIMIT) {
    throw new RangeError(`maxBytes must be an integer in 0..${MAX_FILE_BYTES_LIMIT}`);
  }
  return maxBytes;
}

/**
 * The bytes to write. Strings are UTF-8; a string with a lone surrogate is refused rather than
 * silently written as U+FFFD (see src/encoding/utf8.ts), so what is read back is what was given.
 */
export function toBytes(data: unknown): Uint8Array {
  if (typeof data === 'string') {
    if (!isWellFormed(data)) throw new TypeError('data must be well-formed UTF-16 (no lone surrogates)');
    return utf8Encode(data);
  }
  if (data instanceof Uint8Array) return data;
  throw new TypeError('data must be a string or a Uint8Array');
}
