/**
 * An immutable keyring (Tink-style): one explicit primary, per-key status, exact lookup by kid.
 *
 * Status (SPEC §11.1):
 * - `primary`: seals and unseals. Exactly one.
 * - `decrypt-only`: unseals; never seals. A freshly added key starts here, so it can be deployed
 *   everywhere before any instance seals with it.
 * - `disabled`: known but refused (`ERR_KEY_DISABLED`), so an operator can see a retired key still
 *   in use before removing it.
 *
 * Every method returns a new keyring; invariants are checked whenever one is built.
 */
import { KeyDisabledError, KeyNotFoundError, KeyringInvalidError } from '../errors.js';
import { isKidText, isMasterKey, type MasterKey } from './key.js';

/** Most keys one keyring may hold (SPEC §9.3). Yearly rotation never comes near it. */
export const MAX_KEYRING_KEYS = 64;

export type KeyStatus = 'primary' | 'decrypt-only' | 'disabled';

export interface KeyringEntry {
  readonly key: MasterKey;
  readonly status: KeyStatus;
}

/** A non-primary key given to `createKeyring`: a key (decrypt-only) or a key with its status. */
export type KeyringMember =
  | MasterKey
  | { readonly key: MasterKey; readonly status: 'decrypt-only' | 'disabled' };

export interface KeyringInit {
  readonly primary: MasterKey;
  readonly keys?: readonly KeyringMember[];
}

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

export class Keyring {
  readonly #entries: ReadonlyMap<string, KeyringEntry>;
  readonly #primary: MasterKey;

  /** @internal Use `createKeyring`. */
  constructor(entries: readonly KeyringEntry[], token: symbol) {
    if (token !== buildToken) throw new TypeError('use createKeyring()');
    const map = new Map<string, KeyringEntry>();
    let primary: MasterKey | undefined;
    for (const e of entries) {
      if (!isMasterKey(e.key)) throw new KeyringInvalidError('keyring members must be MasterKey objects');
      if (map.has(e.key.kid)) throw new KeyringInvalidError(`duplicate kid ${e.key.kid}`);
      if (e.status === 'primary') {
        if (primary !== undefined) throw new KeyringInvalidError('a keyring has exactly one primary key');
        primary = e.key;
      } else if (e.status !== 'decrypt-only' && e.status !== 'disabled') {
        throw new KeyringInvalidError('key status must be primary, decrypt-only or disabled');
      }
      map.set(e.key.kid, Object.freeze({ key: e.key, status: e.status }));
    }
    if (primary === undefined) throw new KeyringInvalidError('a keyring has exactly one primary key');
    if (map.size > MAX_KEYRING_KEYS) {
      throw new KeyringInvalidError(`a keyring holds at most ${MAX_KEYRING_KEYS} keys`);
    }
    this.#entries = map;
    this.#primary = primary;
    Object.freeze(this);
  }

  /** The kid of the primary key (the one that seals). */
  get primaryKid(): string {
    return this.#primary.kid;
  }

  /** Every entry, primary first, then in insertion order. */
  entries(): KeyringEntry[] {
    const all = [...this.#entries.values()];
    return [...all.filter((e) => e.status === 'primary'), ...all.filter((e) => e.status !== 'primary')];
  }

  /** Status of a kid, or `undefined` when the keyring has no such key. */
  status(kid: string): KeyStatus | undefined {
    return this.#entries.get(kid)?.status;
  }

  has(kid: string): boolean {
    return this.#entries.has(kid);
  }

  /** Add a key as decrypt-only (never primary on arrival: deploy first, promote later). */
  add(key: MasterKey, status: 'decrypt-only' | 'disabled' = 'decrypt-only'): Keyring {
    return build([...this.#entries.values(), { key, status }]);
  }

  /**
   * Make `kid` the primary; the previous primary becomes decrypt-only. A disabled key must be
   * re-enabled (`markDecryptOnly`) first: the primary is always enabled (SPEC §11.1).
   */
  promote(kid: string): Keyring {
    if (this.#require(kid).status === 'disabled') {
      throw new KeyringInvalidError(`key ${kid} is disabled; mark it decrypt-only before promoting it`);
    }
    return build(
      [...this.#entries.values()].map((e) =>
        e.key.kid === kid
          ? { key: e.key, status: 'primary' as const }
          : e.status === 'primary'
            ? { key: e.key, status: 'decrypt-only' as const }
            : e,
      ),
    );
  }

  /** Mark a non-primary key decrypt-only (also re-enables a disabled key). */
  markDecryptOnly(kid: string): Keyring {
    return this.#setStatus(kid, 'decrypt-only');
  }

  /** Disable a non-primary key: it stays known, but unsealing with it fails with ERR_KEY_DISABLED. */
  disable(kid: string): Keyring {
    return this.#setStatus(kid, 'disabled');
  }

  /** Remove a non-primary key. */
  remove(kid: string): Keyring {
    this.#requireNonPrimary(kid, 'removed');
    return build([...this.#entries.values()].filter((e) => e.key.kid !== kid));
  }

  toString(): string {
    return `Keyring(${this.entries()
      .map((e) => `${e.key.kid}:${e.status}`)
      .join(', ')})`;
  }

  toJSON(): { primary: string; keys: { kid: string; status: KeyStatus }[] } {
    return {
      primary: this.primaryKid,
      keys: this.entries().map((e) => ({ kid: e.key.kid, status: e.status })),
    };
  }

  [inspectSymbol](): string {
    return this.toString();
  }

  /** @internal The key that seals. */
  sealingKey(): MasterKey {
    return this.#primary;
  }

  /**
   * @internal The key for an envelope's kid: exact lookup, never another key (SPEC §7 step 3).
   * Throws ERR_KEY_NOT_FOUND / ERR_KEY_DISABLED.
   */
  openingKey(kid: string): MasterKey {
    const e = this.#entries.get(kid);
    if (e === undefined) throw new KeyNotFoundError(kid);
    if (e.status === 'disabled') throw new KeyDisabledError(kid);
    return e.key;
  }

  #require(kid: string): KeyringEntry {
    // Checked before lookup so a mistaken argument (say, a key text) is never echoed in an error.
    if (!isKidText(kid)) throw new TypeError('kid must be 16 lowercase hex characters');
    const e = this.#entries.get(kid);
    if (e === undefined) throw new KeyNotFoundError(kid);
    return e;
  }

  #requireNonPrimary(kid: string, verb: string): void {
    if (this.#require(kid).status === 'primary') {
      throw new KeyringInvalidError(`the primary key cannot be ${verb}; promote another key first`);
    }
  }

  #setStatus(kid: string, status: 'decrypt-only' | 'disabled'): Keyring {
    this.#requireNonPrimary(kid, status === 'disabled' ? 'disabled' : 'demoted');
    return build([...this.#entries.values()].map((e) => (e.key.kid === kid ? { key: e.key, status } : e)));
  }
}

const buildToken = Symbol('Keyring');

function build(entries: readonly KeyringEntry[]): Keyring {
  return new Keyring(entries, buildToken);
}

/** Build a keyring: `primary` seals; `keys` are decrypt-only unless given a status. */
export function createKeyring(init: KeyringInit): Keyring {
  if (typeof init !== 'object' || init === null)
    throw new TypeError('createKeyring expects { primary, keys? }');
  const members = init.keys ?? [];
  if (!Array.isArray(members)) throw new TypeError('keys must be an array');
  const entries: KeyringEntry[] = [{ key: init.primary, status: 'primary' }];
  for (const m of members as readonly KeyringMember[]) {
    if (isMasterKey(m)) entries.push({ key: m, status: 'decrypt-only' });
    else if (typeof m === 'object' && m !== null && 'key' in m)
      entries.push({ key: m.key, status: m.status });
    else throw new KeyringInvalidError('keyring members must be MasterKey objects');
  }
  return build(entries);
}

/** True for a keyring built by `createKeyring`. */
export function isKeyring(value: unknown): value is Keyring {
  return value instanceof Keyring;
}
