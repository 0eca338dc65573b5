/**
 * paseto-ts 2 v4.local (XChaCha20 + BLAKE2b-MAC, per-token keys from a 32-byte nonce). The payload
 * is the context JSON text; `addIat`/`addExp` are off so the payload is exactly the context (its
 * claim validation stays at the default). decrypt JSON-parses; then SessionStateSchema.parse.
 */
import { decrypt, encrypt, generateKeys } from 'paseto-ts/v4';

export async function create(lib) {
  const key = generateKeys('local');
  const schema = lib.SessionStateSchema;
  const opts = { addIat: false, addExp: false };
  return {
    name: 'paseto-ts v4.local',
    async: false,
    seal: (record) => ({
      sessionId: record.sessionId,
      metadata: { createdAt: record.metadata.createdAt, lastAccess: record.metadata.lastAccess },
      sealedContext: encrypt(key, JSON.stringify(record.context), opts),
    }),
    unseal: (sealed) => {
      const { payload } = decrypt(key, sealed.sealedContext);
      return schema.parse({ sessionId: sealed.sessionId, metadata: sealed.metadata, context: payload });
    },
  };
}
