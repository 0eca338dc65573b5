/** Shared report pieces for per-entry results: skipped entries and the integrity line. */
import type { IntegrityResult, SkippedEntry } from '../../index.node.js';
import { escapeText, showId, table } from '../output.js';

/** A skipped entry for JSON. The library's message holds no secret (src/errors.ts). */
export function skipReport(s: SkippedEntry): Record<string, unknown> {
  return {
    index: s.index,
    ...(s.sessionId === undefined ? {} : { sessionId: s.sessionId }),
    ...(s.kid === undefined ? {} : { kid: s.kid }),
    code: s.code,
    message: s.message,
    ...(s.issues === undefined ? {} : { issues: s.issues }),
  };
}

/**
 * `#index  sessionId  kid  code  why` rows, aligned. The library's message says why (it names
 * kids, limits and field paths, never values).
 */
export function skippedRows(skipped: readonly SkippedEntry[]): string[] {
  return table(
    skipped.map((s) => [`#${s.index}`, showId(s.sessionId), s.kid ?? '-', s.code, escapeText(s.message)]),
    '  ',
  );
}

export function integrityLine(integrity: IntegrityResult): string {
  return integrity.ok
    ? `integrity ok (MAC key ${integrity.kid})`
    : `integrity FAILED: ${escapeText(integrity.message)} (${integrity.code})`;
}
