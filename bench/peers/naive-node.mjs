/**
 * Baseline (b): the naive pipeline on node:crypto. Per envelope: two `randomBytes` calls (32-byte
 * salt, 12-byte nonce), `hkdfSync` (extract + expand), OpenSSL ChaCha20-Poly1305 with the clear
 * fields as AAD, base64url of salt ‖ nonce ‖ ciphertext ‖ tag. Unseal adds JSON.parse and
 * SessionStateSchema.parse, as every item does.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const INFO = Buffer.from('naive/v1 envelope');

function aadOf(sessionId, metadata) {
  return Buffer.from(`${sessionId}\n${metadata.createdAt}\n${metadata.lastAccess}`);
}

export function naiveNodeSeal(master, record) {
  const salt = randomBytes(32);
  const nonce = randomBytes(12);
  const key = new Uint8Array(hkdfSync('sha256', master, salt, INFO, 32));
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  const plaintext = Buffer.from(JSON.stringify(record.context));
  cipher.setAAD(aadOf(record.sessionId, record.metadata), { plaintextLength: plaintext.length });
  const ct = cipher.update(plaintext);
  cipher.final();
  const out = Buffer.concat([salt, nonce, ct, cipher.getAuthTag()]);
  return {
    sessionId: record.sessionId,
    metadata: { createdAt: record.metadata.createdAt, lastAccess: record.metadata.lastAccess },
    sealedContext: out.toString('base64url'),
  };
}

export function naiveNodeUnseal(master, schema, sealed) {
  const bytes = Buffer.from(sealed.sealedContext, 'base64url');
  const key = new Uint8Array(hkdfSync('sha256', master, bytes.subarray(0, 32), INFO, 32));
  const decipher = createDecipheriv('chacha20-poly1305', key, bytes.subarray(32, 44), { authTagLength: 16 });
  const ct = bytes.subarray(44, bytes.length - 16);
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  decipher.setAAD(aadOf(sealed.sessionId, sealed.metadata), { plaintextLength: ct.length });
  const pt = decipher.update(ct);
  decipher.final(); // throws on a bad tag, before the plaintext is used
  const context = JSON.parse(pt.toString('utf8'));
  return schema.parse({ sessionId: sealed.sessionId, metadata: sealed.metadata, context });
}

export async function create(lib) {
  const master = randomBytes(32);
  return {
    name: '(b) naive node:crypto',
    async: false,
    seal: (record) => naiveNodeSeal(master, record),
    unseal: (sealed) => naiveNodeUnseal(master, lib.SessionStateSchema, sealed),
  };
}
