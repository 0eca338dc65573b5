/**
 * @hapi/iron 7 with its defaults (AES-256-CBC + HMAC-SHA256, a PBKDF2 key per seal from a 32+
 * character password). It is async; the bench awaits each call in sequence (no overlap).
 * Seal: Iron.seal(context object) — iron stringifies it. Unseal: Iron.unseal (iron JSON.parses),
 * then SessionStateSchema.parse on the reassembled record.
 */
import { randomBytes } from 'node:crypto';
import Iron from '@hapi/iron';

export async function create(lib) {
  const password = randomBytes(32).toString('base64url'); // 43 characters ≥ the 32 iron requires
  const schema = lib.SessionStateSchema;
  return {
    name: '@hapi/iron',
    async: true,
    seal: async (record) => ({
      sessionId: record.sessionId,
      metadata: { createdAt: record.metadata.createdAt, lastAccess: record.metadata.lastAccess },
      sealedContext: await Iron.seal(record.context, password, Iron.defaults),
    }),
    unseal: async (sealed) => {
      const context = await Iron.unseal(sealed.sealedContext, password, Iron.defaults);
      return schema.parse({ sessionId: sealed.sessionId, metadata: sealed.metadata, context });
    },
  };
}
