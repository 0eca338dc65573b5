/**
 * Baseline (b) with validation on seal as well: SessionStateSchema.parse before sealing, as
 * `sealSession` does (SPEC §5.6 step 1). Not a target; it shows how much of a seal is validation.
 */
import { randomBytes } from 'node:crypto';
import { naiveNodeSeal, naiveNodeUnseal } from './naive-node.mjs';

export async function create(lib) {
  const master = randomBytes(32);
  const schema = lib.SessionStateSchema;
  return {
    name: '(b) + validate on seal',
    async: false,
    seal: (record) => naiveNodeSeal(master, schema.parse(record)),
    unseal: (sealed) => naiveNodeUnseal(master, schema, sealed),
  };
}
