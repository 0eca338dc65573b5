/**
 * The generated SHA-256 compression function (src/crypto/sha256-compress.ts): the committed file is
 * what the generator writes, and one compression of a padded one-block message equals
 * node:crypto's SHA-256 of that message (FIPS 180-4 §5.1.1 padding, §6.2.2 compression).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressBlock } from '../src/crypto/sha256-compress.js';
import { IV } from '../src/crypto/sha256-hmac.js';
import { toHex } from './helpers/shared-vectors.js';

const GENERATOR = fileURLToPath(new URL('../scripts/gen-sha256-compress.mjs', import.meta.url));

/** SHA-256 of a message of at most 55 bytes: one padded block through compressBlock. */
function oneBlockSha256(message: Uint8Array): string {
  if (message.length > 55) throw new RangeError('one block holds at most 55 message bytes');
  const block = new Uint8Array(64);
  block.set(message);
  block[message.length] = 0x80;
  const bits = message.length * 8;
  block[62] = bits >>> 8;
  block[63] = bits & 0xff;
  const words = new Int32Array(16);
  for (let i = 0; i < 16; i++) {
    words[i] =
      ((block[4 * i] as number) << 24) |
      ((block[4 * i + 1] as number) << 16) |
      ((block[4 * i + 2] as number) << 8) |
      (block[4 * i + 3] as number);
  }
  const state = Int32Array.from(IV);
  compressBlock(state, words);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = state[i] as number;
    out.set([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff], 4 * i);
  }
  return toHex(out);
}

describe('compressBlock', () => {
  it('hashes "abc" to the FIPS 180-2 Appendix B.1 digest', () => {
    expect(oneBlockSha256(Uint8Array.from([0x61, 0x62, 0x63]))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('agrees with node:crypto on every one-block message (0–55 bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 55 }), (m) => {
        expect(oneBlockSha256(m)).toBe(createHash('sha256').update(m).digest('hex'));
      }),
      { numRuns: 500 },
    );
  });

  it('the committed file is exactly what scripts/gen-sha256-compress.mjs generates', () => {
    expect(execFileSync(process.execPath, [GENERATOR, '--check'], { encoding: 'utf8' })).toContain(
      'up to date',
    );
  });
});
