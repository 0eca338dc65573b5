/**
 * The Node fast path for the UTF-8 length of long strings (src/encoding/utf8.ts): `Buffer.byteLength`,
 * native, used for the size limit of a bundle given as text (SPEC §10.5) and other long strings.
 * Installed by the Node entry only after it counts exactly as the portable code does, including a
 * lone surrogate as 3 bytes, on a self-test.
 */
import { portableUtf8Length, setNativeUtf8Length, type Utf8LengthFn } from '../encoding/utf8.js';

interface BufferLike {
  byteLength(text: string, encoding: 'utf8'): number;
}

/** Long strings (the hook only sees strings of 1,024 units or more) covering each UTF-8 width. */
function samples(): string[] {
  const pad = 'x'.repeat(1024);
  return [
    pad,
    `${pad}é`,
    `${pad}€`,
    `${pad}\u{1F600}`,
    `${pad}\uD800`, // lone high surrogate at the end
    `\uDC00${pad}`, // lone low surrogate
    `${pad}\uDBFF\uDFFF\uD800x`, // a pair, then a lone high surrogate
    '\u00ff'.repeat(1500), // Latin-1 (a one-byte string in V8), 2 bytes each: run once here;
    // test/node-native.test.ts also runs it after V8 has optimized the call
  ];
}

/** Buffer.byteLength if the runtime has it and it agrees with the portable count, else `undefined`. */
export function detectNativeUtf8Length(): Utf8LengthFn | undefined {
  const B = (globalThis as { Buffer?: Partial<BufferLike> }).Buffer;
  if (typeof B?.byteLength !== 'function') return undefined;
  const fn: Utf8LengthFn = (text) => (B as BufferLike).byteLength(text, 'utf8');
  try {
    return samples().every((s) => fn(s) === portableUtf8Length(s)) ? fn : undefined;
  } catch {
    return undefined;
  }
}

/** Install the native length when it passes the self-test; returns whether it is in use. */
export function installNodeUtf8Length(): boolean {
  const fn = detectNativeUtf8Length();
  setNativeUtf8Length(fn);
  return fn !== undefined;
}
