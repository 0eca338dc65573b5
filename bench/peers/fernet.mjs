/**
 * fernet 0.4 (AES-128-CBC + HMAC-SHA256 on crypto-js, a random IV per token). Seal encodes the
 * context JSON text; unseal decodes with ttl 0 (no expiry), JSON.parse, SessionStateSchema.parse.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const fernet = createRequire(import.meta.url)('fernet');

export async function create(lib) {
  const secret = new fernet.Secret(randomBytes(32).toString('base64'));
  const schema = lib.SessionStateSchema;
  return {
    name: 'fernet',
    async: false,
    seal: (record) => ({
      sessionId: record.sessionId,
      metadata: { createdAt: record.metadata.createdAt, lastAccess: record.metadata.lastAccess },
      sealedContext: new fernet.Token({ secret, ttl: 0 }).encode(JSON.stringify(record.context)),
    }),
    unseal: (sealed) => {
      const text = new fernet.Token({ secret, ttl: 0, token: sealed.sealedContext }).decode();
      const context = JSON.parse(text);
      return schema.parse({ sessionId: sealed.sessionId, metadata: sealed.metadata, context });
    },
  };
}
