/**
 * Baseline (a): the pipeline one writes first with noble. Per envelope: two CSPRNG calls (32-byte
 * HKDF salt, 24-byte nonce), HKDF-SHA256 extract + expand from the master key, XChaCha20-Poly1305
 * with the clear fields as AAD, base64url of salt ‖ nonce ‖ ciphertext ‖ tag. Unseal reverses it,
 * then JSON.parse and SessionStateSchema.parse on the reassembled record — the same job as ours.
 * Buffer's native base64url is used (the fastest available here), which favours the baseline.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });
const INFO = enc.encode('naive/v1 envelope');

function aadOf(sessionId, metadata) {
  return enc.encode(`${sessionId}\n${metadata.createdAt}\n${metadata.lastAccess}`);
}

export function naiveNobleSeal(master, record) {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = hkdf(sha256, master, salt, INFO, 32);
  const plaintext = enc.encode(JSON.stringify(record.context));
  const ct = xchacha20poly1305(key, nonce, aadOf(record.sessionId, record.metadata)).encrypt(plaintext);
  const out = new Uint8Array(56 + ct.length);
  out.set(salt, 0);
  out.set(nonce, 32);
  out.set(ct, 56);
  return {
    sessionId: record.sessionId,
    metadata: { createdAt: record.metadata.createdAt, lastAccess: record.metadata.lastAccess },
    sealedContext: Buffer.from(out.buffer, out.byteOffset, out.length).toString('base64url'),
  };
}

export function naiveNobleUnseal(master, schema, sealed) {
  const bytes = new Uint8Array(Buffer.from(sealed.sealedContext, 'base64url'));
  const key = hkdf(sha256, master, bytes.subarray(0, 32), INFO, 32);
  const aad = aadOf(sealed.sessionId, sealed.metadata);
  const plaintext = xchacha20poly1305(key, bytes.subarray(32, 56), aad).decrypt(bytes.subarray(56));
  const context = JSON.parse(dec.decode(plaintext));
  return schema.parse({ sessionId: sealed.sessionId, metadata: sealed.metadata, context });
}

export async function create(lib) {
  const master = randomBytes(32);
  return {
    name: '(a) naive noble',
    async: false,
    seal: (record) => naiveNobleSeal(master, record),
    unseal: (sealed) => naiveNobleUnseal(master, lib.SessionStateSchema, sealed),
  };
}
