import { expect } from 'vitest';
import { SessionSealError, type SessionSealErrorCode } from '../../src/errors.js';

/** Run `fn`, require a SessionSealError with exactly `code`, and return it for further checks. */
export function expectCode(fn: () => unknown, code: SessionSealErrorCode): SessionSealError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${code} to be thrown`).toBeInstanceOf(SessionSealError);
  expect((thrown as SessionSealError).code).toBe(code);
  return thrown as SessionSealError;
}

/** Async twin of `expectCode`. */
export async function expectCodeAsync(
  fn: () => Promise<unknown>,
  code: SessionSealErrorCode,
): Promise<SessionSealError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${code} to be thrown`).toBeInstanceOf(SessionSealError);
  expect((thrown as SessionSealError).code).toBe(code);
  return thrown as SessionSealError;
}
