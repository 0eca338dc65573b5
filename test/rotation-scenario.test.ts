/**
 * The rotation procedure of docs/ROTATION.md as a scenario (SPEC §11.3): two instances, A and B,
 * share one session store and get keyring versions through a rolling deploy (the keyring text in
 * an environment variable, loaded with `loadKeyring`). At every step each instance reads what the
 * other wrote and no session is lost. Each step also shows what breaks if it is skipped.
 */
import { describe, expect, it } from 'vitest';
import { type SealedSessionState, sealedKid } from '../src/envelope/format.js';
import { sealSession } from '../src/envelope/seal.js';
import { unsealSession } from '../src/envelope/unseal.js';
import { generateKey } from '../src/keys/key.js';
import { createKeyring, type Keyring } from '../src/keys/keyring.js';
import { exportKeyringText } from '../src/keys/text.js';
import { loadKeyring } from '../src/node/load-keyring.js';
import { keyUsage, rotateSessions } from '../src/rotation.js';
import type { SessionState } from '../src/schema.js';
import { expectCode } from './helpers/expect-code.js';
import { realisticSession } from './helpers/fixtures.js';

/** One service instance: it holds whatever keyring version was deployed to it. */
class Instance {
  keyring: Keyring | undefined;
  constructor(readonly name: string) {}

  /** Deploy a keyring version the way production does: its text in the environment. */
  deploy(version: Keyring): void {
    this.keyring = loadKeyring({ env: { SESSION_SEAL_KEYRING: exportKeyringText(version) } });
  }

  get ring(): Keyring {
    if (this.keyring === undefined) throw new Error(`${this.name} has no keyring`);
    return this.keyring;
  }

  write(state: SessionState): void {
    store.set(state.sessionId, sealSession(state, this.ring));
    truth.set(state.sessionId, state);
  }
}

/** The shared session store (what the file store persists) and what each session must contain. */
const store = new Map<string, SealedSessionState>();
const truth = new Map<string, SessionState>();
const A = new Instance('A');
const B = new Instance('B');
let n = 0;
const next = (): SessionState => realisticSession(n++);

/** Every instance opens every stored record and gets exactly what was written: nothing is lost. */
function everyoneReadsEverything(): void {
  expect(store.size).toBe(truth.size);
  for (const inst of [A, B]) {
    for (const [id, sealed] of store)
      expect(unsealSession(sealed, inst.ring), `${inst.name} reads ${id}`).toEqual(truth.get(id));
  }
}

function usage(): Record<string, number> {
  return { ...keyUsage([...store.values()]).byKid };
}

const k1 = generateKey();
const k2 = generateKey();
const v1 = createKeyring({ primary: k1 });
const v2 = v1.add(k2); // step 1: add k2, decrypt-only
const v3 = v2.promote(k2.kid); // step 3: k2 seals, k1 decrypt-only
const v4 = v3.disable(k1.kid); // step 5
const v5 = v4.remove(k1.kid); // step 6

describe('master-key rotation across two instances, no session lost at any step', () => {
  it('0. both instances run keyring v1 (k1 primary) and share sessions', () => {
    A.deploy(v1);
    B.deploy(v1);
    A.write(next());
    B.write(next());
    everyoneReadsEverything();
    expect(usage()).toEqual({ [k1.kid]: 2 });
  });

  it('1. add k2 as decrypt-only; the rolling deploy reaches A first', () => {
    expect(v2.status(k2.kid)).toBe('decrypt-only');
    A.deploy(v2);
    A.write(next());
    B.write(next());
    everyoneReadsEverything();
    // Nobody seals with k2 yet, so B (still on v1) loses nothing.
    expect(usage()).toEqual({ [k1.kid]: 4 });
  });

  it('1′. why k2 may not be primary on arrival: B has not got it yet', () => {
    const early = sealSession(next(), v2.promote(k2.kid));
    expectCode(() => unsealSession(early, B.ring), 'ERR_KEY_NOT_FOUND');
  });

  it('2. deploy v2 everywhere: every instance can now open k2', () => {
    B.deploy(v2);
    A.write(next());
    B.write(next());
    everyoneReadsEverything();
    expect(A.ring.has(k2.kid) && B.ring.has(k2.kid)).toBe(true);
  });

  it('3. promote k2 (v3), rolling: A first, then B; mixed writers read each other', () => {
    A.deploy(v3);
    A.write(next()); // under k2
    B.write(next()); // under k1, B is still on v2
    everyoneReadsEverything();
    expect(usage()).toEqual({ [k1.kid]: 7, [k2.kid]: 1 });
    B.deploy(v3);
    B.write(next());
    const first = truth.values().next().value as SessionState;
    // An existing session updated by either instance moves to k2 on its own.
    A.write({ ...first, metadata: { ...first.metadata, lastAccess: '2026-11-23T12:30:00.000Z' } });
    everyoneReadsEverything();
    expect(usage()).toEqual({ [k1.kid]: 6, [k2.kid]: 3 });
  });

  it('4. rotate the stored records to k2; k1 is then used nowhere', () => {
    const records = [...store.values()];
    const { results, summary } = rotateSessions(records, A.ring);
    expect(summary).toMatchObject({ total: 9, rotated: 6, current: 3, failed: 0 });
    for (const r of results) {
      if (r.status === 'failed') throw new Error(`record ${r.index} failed: ${r.code}`);
      store.set(r.sealed.sessionId, r.sealed);
      // Rotation never extends a session's life.
      expect(r.sealed.metadata).toEqual(records[r.index]?.metadata);
    }
    everyoneReadsEverything();
    expect(usage()).toEqual({ [k2.kid]: 9 });
  });

  it('4′. why rotate only after promoting everywhere: an instance still on v2 keeps writing k1', () => {
    const lagging = sealSession(next(), v2);
    expect(keyUsage([...store.values(), lagging]).byKid[k1.kid]).toBe(1);
  });

  it('5. disable k1 (v4), rolling; nothing stored needs it', () => {
    A.deploy(v4);
    A.write(next());
    B.write(next()); // B still on v3: seals under k2 as well
    everyoneReadsEverything();
    B.deploy(v4);
    B.write(next());
    everyoneReadsEverything();
    expect(A.ring.status(k1.kid)).toBe('disabled');
  });

  it('5′. why disable before remove: a record missed by rotation fails with its own code, and it is reversible', () => {
    const missed = sealSession(next(), v1);
    expectCode(() => unsealSession(missed, B.ring), 'ERR_KEY_DISABLED');
    const recovery = B.ring.markDecryptOnly(k1.kid);
    const { results } = rotateSessions([missed], recovery);
    expect(results[0]?.status).toBe('rotated');
    if (results[0]?.status === 'rotated') expect(sealedKid(results[0].sealed)).toBe(k2.kid);
  });

  it('6. remove k1 (v5), rolling; every session is still there and readable', () => {
    A.deploy(v5);
    A.write(next());
    everyoneReadsEverything();
    B.deploy(v5);
    B.write(next());
    everyoneReadsEverything();
    expect(A.ring.toJSON()).toEqual({ primary: k2.kid, keys: [{ kid: k2.kid, status: 'primary' }] });
    expect(usage()).toEqual({ [k2.kid]: store.size });
    expect(store.size).toBe(14); // 14 sessions written over the six steps, 14 still there
  });

  it('6′. after removal an old k1 record (say, from a backup) is ERR_KEY_NOT_FOUND', () => {
    const backup = sealSession(next(), v1);
    expectCode(() => unsealSession(backup, A.ring), 'ERR_KEY_NOT_FOUND');
  });
});
