/**
 * The WebAssembly fast path (wasm/core.c): XChaCha20-Poly1305 for short messages and the
 * per-envelope HKDF-Expand of SPEC §4.3, installed by the Node entry after a self-test.
 *
 * Why: on a 0.5 KiB context the JS core spends most of an open in Poly1305, which JS must run on
 * 13-bit limbs (100 multiplications a block) to keep products exact; WebAssembly has exact
 * 32x32->64-bit multiplication, so poly1305-donna-32 needs 25. Measured on the bench machine: an
 * open of a typical context 1.3 µs against 4.1 µs, the key schedule 1.1 µs against 2.4 µs.
 * node:crypto cannot do either faster for short inputs (a fixed cost of about 5 µs per call).
 *
 * Same bytes as the portable code, by construction and by test: every Wycheproof and draft vector
 * and property tests against noble (test/crypto-kat.test.ts, test/wasm-core.test.ts), and a
 * self-test here before install. Node-only (installed from src/index.node.ts) because some edge
 * runtimes refuse to compile WebAssembly from bytes at run time; the core keeps its JS path.
 *
 * Memory hygiene: the module owns fixed buffers in its linear memory (no growth, so these views
 * stay valid). Each call copies its inputs in and its result out; the module wipes its own stack
 * and the key, and this glue wipes what it copied in that is secret (the HMAC states) and the
 * plaintext or keys it copied out. Nothing secret stays in the memory between calls
 * (test/wasm-core.test.ts compares the whole memory before and after).
 */
import { type AeadBackend, coreAead } from '../crypto/aead.js';
import {
  assertBytes,
  chachaOpenInto,
  chachaSealInto,
  checkCommon,
  xchachaOpenInto,
  xchachaSealInto,
} from '../crypto/chacha20-poly1305.js';
import type { NativeEnvelopeOpen } from '../crypto/envelope-open.js';
import { type EnvelopeKeysFn, expandEnvelopeKeys, setNativeEnvelopeKeys } from '../crypto/kdf.js';
import { INFO_ENVELOPE_V1 } from '../crypto/labels.js';
import { type HmacKeys, keyHmac } from '../crypto/sha256-hmac.js';
import { WASM_CORE_BASE64 } from './wasm-core-bytes.js';

interface CoreExports {
  readonly memory: WebAssembly.Memory;
  key_ptr(): number;
  nonce_ptr(): number;
  kid_ptr(): number;
  info_ptr(): number;
  states_ptr(): number;
  out_ptr(): number;
  aad_ptr(): number;
  data_ptr(): number;
  aad_max(): number;
  data_max(): number;
  envelope_keys(): void;
  envelope_open(aadLength: number, length: number): number;
  xchacha_seal(aadLength: number, length: number): number;
  xchacha_open(aadLength: number, length: number): number;
  chacha_seal(aadLength: number, length: number): number;
  chacha_open(aadLength: number, length: number): number;
}

const TAG_LENGTH = 16;

/** The instantiated module and views of its buffers. */
export interface WasmCore {
  /** XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §2.3). */
  readonly aead: AeadBackend;
  /** @internal ChaCha20-Poly1305 (RFC 8439 §2.8, 12-byte nonce): the same Poly1305 and ChaCha20, for the Wycheproof vectors. */
  readonly chacha: AeadBackend;
  /** SPEC §4.3 EK ‖ COMMITMENT, the contract of `deriveEnvelopeKeysInto` after keying. */
  readonly envelopeKeys: EnvelopeKeysFn;
  /**
   * SPEC §7 steps 4–5 in one call (crypto/envelope-open.ts's `NativeEnvelopeOpen`) for bodies up to
   * `maxPlaintext` + 16 bytes: EK is derived, used and wiped inside the module.
   */
  readonly envelopeOpen: (maxPlaintext: number) => NativeEnvelopeOpen;
  /** @internal The whole linear memory, for the residue test. */
  readonly memory: Uint8Array;
  /** @internal Longest AAD and longest ciphertext ‖ tag the module takes. */
  readonly limits: { readonly aad: number; readonly data: number };
  /** @internal Offsets of the module's buffers in `memory`, for the residue test. */
  readonly regions: Readonly<Record<'key' | 'nonce' | 'kid' | 'states' | 'out' | 'aad' | 'data', number>>;
}

function instantiate(): CoreExports {
  const bytes = Uint8Array.from(Buffer.from(WASM_CORE_BASE64, 'base64'));
  // Synchronous compile: 15 KB, about a millisecond, once, at import of the Node entry.
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  return instance.exports as unknown as CoreExports;
}

/** Build the backend and key schedule over a fresh instance. Throws if WebAssembly is unusable. */
export function createWasmCore(): WasmCore {
  const x = instantiate();
  const mem = new Uint8Array(x.memory.buffer);
  const KEY = x.key_ptr();
  const NONCE = x.nonce_ptr();
  const KID = x.kid_ptr();
  const STATES = x.states_ptr();
  const OUT = x.out_ptr();
  const AAD = x.aad_ptr();
  const DATA = x.data_ptr();
  const AAD_MAX = x.aad_max();
  const DATA_MAX = x.data_max();
  mem.set(INFO_ENVELOPE_V1, x.info_ptr());
  // WebAssembly memory is little-endian whatever the host: words go in through a DataView.
  const view = new DataView(x.memory.buffer);
  const statesBytes = mem.subarray(STATES, STATES + 64);
  const outBoth = mem.subarray(OUT, OUT + 64);
  const outEk = mem.subarray(OUT, OUT + 32);
  const outCommitment = mem.subarray(OUT + 32, OUT + 64);

  /** An AEAD over the module's seal/open exports; the JS core for inputs beyond its buffers. */
  function aeadOf(
    name: string,
    nonceLength: number,
    sealIn: (aadLength: number, length: number) => number,
    openIn: (aadLength: number, length: number) => number,
    js: Pick<AeadBackend, 'seal' | 'open'>,
  ): AeadBackend {
    /*
     * Unlike the JS core, an `out` that overlaps the input is accepted (as by OpenSSL): the input
     * is copied into the module before anything is written to `out`.
     */
    function load(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array): void {
      mem.set(key, KEY);
      mem.set(nonce, NONCE);
      mem.set(aad, AAD);
      mem.set(data, DATA);
    }
    function seal(
      key: Uint8Array,
      nonce: Uint8Array,
      aad: Uint8Array,
      plaintext: Uint8Array,
      out?: Uint8Array,
    ): Uint8Array {
      checkCommon(key, nonce, nonceLength, aad, plaintext, 'plaintext'); // the JS core's contract
      const length = plaintext.length;
      if (aad.length > AAD_MAX || length > DATA_MAX - TAG_LENGTH)
        return js.seal(key, nonce, aad, plaintext, out);
      if (out !== undefined) assertBytes('output', out, length + TAG_LENGTH);
      load(key, nonce, aad, plaintext);
      // Wipes KEY; DATA now holds ciphertext ‖ tag. -1 (lengths refused) cannot happen after the
      // checks above; if the two ever disagreed, the plaintext must not come back as ciphertext.
      if (sealIn(aad.length, length) !== 0) {
        mem.fill(0, DATA, DATA + length);
        throw new Error('session-seal: the WebAssembly core refused lengths it should take');
      }
      const sealed = mem.subarray(DATA, DATA + length + TAG_LENGTH);
      if (out === undefined) return sealed.slice();
      out.set(sealed);
      return out;
    }
    function open(
      key: Uint8Array,
      nonce: Uint8Array,
      aad: Uint8Array,
      sealed: Uint8Array,
      out?: Uint8Array,
    ): Uint8Array | null {
      checkCommon(key, nonce, nonceLength, aad, sealed, 'sealed');
      if (sealed.length < TAG_LENGTH) return null;
      if (aad.length > AAD_MAX || sealed.length > DATA_MAX) return js.open(key, nonce, aad, sealed, out);
      const length = sealed.length - TAG_LENGTH;
      if (out !== undefined) assertBytes('output', out, length);
      load(key, nonce, aad, sealed);
      // 1: verified and decrypted in place; 0: the tag did not verify and nothing was decrypted;
      // -1 (lengths refused, impossible after the checks above): nothing was decrypted either.
      if (openIn(aad.length, sealed.length) !== 1) return null;
      const plaintext = mem.subarray(DATA, DATA + length);
      const dst = out ?? new Uint8Array(length);
      dst.set(plaintext);
      plaintext.fill(0);
      return dst;
    }
    return Object.freeze({ name, seal, open });
  }

  function writeStates(keys: HmacKeys): void {
    for (let i = 0; i < 8; i++) {
      view.setInt32(STATES + 4 * i, keys.inner[i] as number, true);
      view.setInt32(STATES + 32 + 4 * i, keys.outer[i] as number, true);
    }
  }

  function envelopeOpen(maxPlaintext: number): NativeEnvelopeOpen {
    const maxBody = Math.min(maxPlaintext + TAG_LENGTH, DATA_MAX);
    return (keys, kid, nonce, commitment, aad, body) => {
      if (body.length > maxBody || body.length < TAG_LENGTH || aad.length > AAD_MAX) return undefined;
      const length = body.length - TAG_LENGTH;
      try {
        writeStates(keys);
        mem.set(kid, KID);
        mem.set(nonce, NONCE);
        mem.set(commitment, OUT + 32);
        mem.set(aad, AAD);
        mem.set(body, DATA);
        // 1: commitment and tag verified, plaintext in DATA; 0: not, nothing decrypted; -1:
        // lengths refused (the checks above make it impossible): leave it to the portable path.
        // The plaintext is handed over in place (no copy); the caller wipes it (envelope/unseal.ts).
        const verdict = x.envelope_open(aad.length, body.length);
        if (verdict < 0) return undefined;
        if (verdict !== 1) return null;
        return mem.subarray(DATA, DATA + length);
      } finally {
        statesBytes.fill(0);
        outBoth.fill(0);
      }
    };
  }

  const envelopeKeys: EnvelopeKeysFn = (keys, kid, nonce, ek, commitment) => {
    try {
      writeStates(keys);
      mem.set(kid, KID);
      mem.set(nonce, NONCE);
      x.envelope_keys();
      ek.set(outEk);
      commitment.set(outCommitment);
    } finally {
      statesBytes.fill(0);
      outBoth.fill(0);
    }
  };

  return {
    envelopeOpen,
    aead: aeadOf('wasm', 24, x.xchacha_seal, x.xchacha_open, {
      seal: xchachaSealInto,
      open: xchachaOpenInto,
    }),
    chacha: aeadOf('wasm-chacha', 12, x.chacha_seal, x.chacha_open, {
      seal: chachaSealInto,
      open: chachaOpenInto,
    }),
    envelopeKeys,
    memory: mem,
    limits: { aad: AAD_MAX, data: DATA_MAX },
    regions: { key: KEY, nonce: NONCE, kid: KID, states: STATES, out: OUT, aad: AAD, data: DATA },
  };
}

/*
 * Self-test vectors. AEAD: draft-irtf-cfrg-xchacha-03 Appendix A.3.1 (also in src/node/aead.ts,
 * which runs it through whichever backend it installs). Key schedule: the JS expansion
 * (crypto/kdf.ts) is the reference, on a fixed PRK, kid and nonce.
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `core` computes the same as the portable code on fixed inputs (AEAD, and the key schedule). */
export function selfTestWasmCore(
  core: WasmCore,
  reference: {
    readonly aead: AeadBackend;
    readonly envelopeKeys: WasmCore['envelopeKeys'];
    readonly keyHmac: (key: Uint8Array) => HmacKeys;
  },
): boolean {
  const pattern = (n: number, m: number) => Uint8Array.from({ length: n }, (_, i) => (i * m + 0x3b) & 0xff);
  const key = pattern(32, 0x4d);
  const nonce = pattern(24, 0x1f);
  // Lengths across the 16-byte Poly1305 blocks and the 256-byte four-block ChaCha20 batches, up to
  // the longest message the installed backend gives the module (WASM_SMALL_MESSAGE, 2 KiB); the
  // module's own limit is covered by test/wasm-core.test.ts, not at every import.
  for (const length of [0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 257, 500, 2048]) {
    const aad = pattern(length % 97, 0x29);
    const plaintext = pattern(length, 0x65);
    const sealed = core.aead.seal(key, nonce, aad, plaintext);
    if (!sameBytes(sealed, reference.aead.seal(key, nonce, aad, plaintext))) return false;
    const opened = core.aead.open(key, nonce, aad, sealed);
    if (opened === null || !sameBytes(opened, plaintext)) return false;
    sealed[length] = (sealed[length] as number) ^ 0x80; // first tag byte
    if (core.aead.open(key, nonce, aad, sealed) !== null) return false;
  }
  const keys = reference.keyHmac(pattern(32, 0x71));
  const kid = pattern(8, 0x13);
  const a = [new Uint8Array(32), new Uint8Array(32)] as const;
  const b = [new Uint8Array(32), new Uint8Array(32)] as const;
  core.envelopeKeys(keys, kid, nonce, a[0], a[1]);
  reference.envelopeKeys(keys, kid, nonce, b[0], b[1]);
  if (!sameBytes(a[0], b[0]) || !sameBytes(a[1], b[1])) return false;
  // The one-call open: an envelope body sealed by the reference opens; a wrong commitment or tag
  // does not.
  const open = core.envelopeOpen(2048);
  const aad = pattern(130, 0x29);
  const plaintext = pattern(500, 0x65);
  const body = reference.aead.seal(b[0], nonce, aad, plaintext);
  const opened = open(keys, kid, nonce, b[1], aad, body);
  const same = opened != null && sameBytes(opened, plaintext);
  opened?.fill(0);
  if (!same) return false;
  const wrong = Uint8Array.from(b[1]);
  wrong[0] = (wrong[0] as number) ^ 1;
  if (open(keys, kid, nonce, wrong, aad, body) !== null) return false;
  body[body.length - 1] = (body[body.length - 1] as number) ^ 1;
  return open(keys, kid, nonce, b[1], aad, body) === null;
}

/**
 * Instantiate the module, self-test it against the portable code, and install its key schedule
 * (crypto/kdf.ts). Returns the core, whose `aead` the caller composes with OpenSSL
 * (src/node/aead.ts), or `undefined` — and the JS paths stay — when WebAssembly is missing, the
 * module does not compile, or the self-test fails.
 */
export function installWasmCore(): WasmCore | undefined {
  let core: WasmCore | undefined;
  try {
    core = createWasmCore();
    if (!selfTestWasmCore(core, { aead: coreAead, envelopeKeys: expandEnvelopeKeys, keyHmac }))
      core = undefined;
  } catch {
    core = undefined;
  }
  setNativeEnvelopeKeys(core?.envelopeKeys);
  return core;
}
