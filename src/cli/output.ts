/**
 * Printing untrusted text safely, and small layout helpers.
 *
 * sessionIds, paths and library messages can reach a terminal. A sessionId is clear text from a
 * file an attacker may have written (SECURITY.md, threat model), so before it is printed every
 * character that could move the cursor, rewrite the screen or reorder what is shown is escaped:
 * C0 and C1 controls and DEL (ECMA-48 escape sequences start with ESC or C1 CSI), Unicode line and
 * paragraph separators, the bidi marks, embeddings, overrides and isolates (Unicode UAX #9 —
 * "Trojan Source", CVE-2021-42574), and lone surrogates. Backslash is escaped too, so an escape in
 * the output can never be confused with a literal one in the input.
 */

/** Characters escaped in human output. */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]|[\ud800-\udfff]/gu;

/** Characters JSON.stringify leaves raw but a terminal may act on; escaped as `\uXXXX` (still the same JSON value). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Longest sessionId shown in human output, in characters; longer ones end with `…`. */
export const MAX_SHOWN_ID = 64;

/** Escape unsafe characters as `\u{…}` (and `\` as `\\`). Does not truncate. */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, (c) => (c === '\\' ? '\\\\' : `\\u{${c.codePointAt(0)?.toString(16) ?? ''}}`));
}

/** A sessionId (or any untrusted label) made safe and short for a terminal. */
export function showId(text: string | undefined, max = MAX_SHOWN_ID): string {
  if (text === undefined) return '-';
  const safe = escapeText(text);
  // Cut on code points, not UTF-16 units, so no half surrogate pair is ever printed.
  const points = Array.from(safe);
  return points.length <= max ? safe : `${points.slice(0, max - 1).join('')}…`;
}

/** JSON for scripts: JSON.stringify, plus escapes for characters a terminal would act on. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Rows of cells, left-aligned in columns separated by two spaces; trailing spaces trimmed. */
export function table(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Array.from(cell).length);
    });
  }
  return rows.map((row) =>
    (
      indent + row.map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - Array.from(cell).length)).join('  ')
    ).trimEnd(),
  );
}

/** `1 session`, `2 sessions`; `plural(2, 'entry', 'entries')`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Validation issues as `path: code`, first one and a count of the rest. Paths are field names, never values. */
export function describeIssues(
  issues: readonly { readonly path: readonly (string | number)[]; readonly code: string }[] | undefined,
): string {
  const first = issues?.[0];
  if (issues === undefined || first === undefined) return '';
  const path = first.path.length === 0 ? '(record)' : first.path.map((p) => showId(String(p))).join('.');
  const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
  return `${path}: ${escapeText(first.code)}${more}`;
}

/** Counts per kid as `kid  n` rows, in first-seen order. */
export function kidRows(byKid: Readonly<Record<string, number>>): string[][] {
  return Object.entries(byKid).map(([kid, n]) => [kid, String(n)]);
}
