/**
 * A fast path for bundle text in exactly the layout `serializeBundle` writes (SPEC §10.1, "one
 * entry per line"):
 *
 *   {"format":"session-seal/bundle/v1",\n"entries":[\n<e1>,\n<e2>,\n…<en>\n],\n"integrity":{…}}\n
 *
 * Instead of one `JSON.parse` of the whole document, which holds every parsed entry at once, each
 * line is cut from the text (a slice, no copy) and parsed only when its entry is reached, so a
 * large bundle never holds its parsed entries, nor its lines, and the restored sessions together:
 * peak memory drops by about the size of the parsed document, and the garbage collector has that
 * much less to trace and copy.
 *
 * Why the result is the same value `JSON.parse(text)` gives: a JSON string cannot contain a raw
 * line break, so every line break in the text is outside strings. If the text starts with the
 * exact head, ends with `\n],\n"integrity":` + a brace-free object + `}` (+ `\n`), and every line
 * between is one JSON value (followed by `,` except the last), the text is precisely the object
 * {format, entries: [those values], integrity: that object} with no other member. Anything else —
 * another layout, a line that is not one JSON value, too many lines — returns `null` or throws
 * `LayoutMiss`, and the caller starts over with the general parser, which alone decides errors.
 */
import { BUNDLE_FORMAT_V1 } from './format.js';

const HEAD = `{"format":${JSON.stringify(BUNDLE_FORMAT_V1)},\n"entries":[\n`;
const TAIL_MARK = '\n],\n"integrity":';
const TAIL = /^(\{[^{}]*\})\}\n?$/;
const COMMA = 0x2c;

/** A line was not one JSON value: the caller must use the general parser instead. */
export class LayoutMiss extends Error {
  constructor() {
    super('bundle text is not in the one-entry-per-line layout');
    this.name = 'LayoutMiss';
  }
}

export interface LineBundle {
  readonly count: number;
  /** Entry `index`, parsed from its line; throws `LayoutMiss` if the line is not one JSON value. */
  entry(index: number): unknown;
  /** The parsed `integrity` member (still to be shape-checked by the caller). */
  readonly integrity: unknown;
}

/** Split text in the serializeBundle layout, or `null` when it is not in that layout. */
export function splitBundleLines(text: string, maxEntries: number): LineBundle | null {
  if (!text.startsWith(HEAD)) return null;
  const end = text.lastIndexOf(TAIL_MARK);
  if (end < HEAD.length) return null;
  const tail = TAIL.exec(text.slice(end + TAIL_MARK.length));
  if (tail === null) return null;
  let integrity: unknown;
  try {
    integrity = JSON.parse(tail[1] as string);
  } catch {
    return null;
  }
  // Count the lines without materialising them (100,000 line strings would outlive every
  // scavenge of the restore and be copied twice by the garbage collector): each line is cut out
  // when its entry is reached, and entries are read in order.
  let count = 1;
  for (let at = text.indexOf('\n', HEAD.length); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) {
    if (++count > maxEntries) return null;
  }
  const last = count - 1;
  let next = 0; // the index whose line starts at `start`
  let start = HEAD.length;
  return {
    count,
    integrity,
    entry(index: number): unknown {
      if (!Number.isSafeInteger(index) || index < 0 || index > last) throw new RangeError('no such entry');
      if (index !== next) {
        // Out of order (no caller in this library does this): find the line from the top.
        next = 0;
        start = HEAD.length;
        while (next < index) {
          start = text.indexOf('\n', start) + 1;
          next++;
        }
      }
      const stop = index < last ? text.indexOf('\n', start) : end;
      // Every line but the last ends with the comma that separates it from the next entry.
      if (index < last && text.charCodeAt(stop - 1) !== COMMA) throw new LayoutMiss();
      const line = text.slice(start, index < last ? stop - 1 : stop);
      next = index + 1;
      start = stop + 1;
      try {
        return JSON.parse(line);
      } catch {
        throw new LayoutMiss();
      }
    },
  };
}
