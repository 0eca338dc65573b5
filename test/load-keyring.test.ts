import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { KeyFilePermissionsError } from '../src/errors.js';
import { generateKey, keyMaterial } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import { deriveKeyFromPassphrase, loadPassphraseKey } from '../src/keys/passphrase.js';
import { exportKeyringText, exportKeyText } from '../src/keys/text.js';
import { DEFAULT_KEYRING_ENV, loadKeyring, readKeyText, writeKeyFile } from '../src/node/load-keyring.js';
import { expectCode } from './helpers/expect-code.js';

const dir = mkdtempSync(join(tmpdir(), 'session-seal-keys-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const k1 = generateKey();
const k2 = generateKey();
const keyring = createKeyring({ primary: k1, keys: [{ key: k2, status: 'disabled' }] });
const ringText = exportKeyringText(keyring);
let counter = 0;

/** A named pipe, where the system has mkfifo (opening one for reading would block without O_NONBLOCK). */
const fifo = ((): string | undefined => {
  const path = join(dir, 'fifo');
  try {
    execFileSync('mkfifo', ['-m', '600', path]);
    return path;
  } catch {
    return undefined;
  }
})();

/** A fresh file with the given content and mode. */
function keyFile(content: string, mode: number): string {
  const path = join(dir, `key-${counter++}`);
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, mode);
  return path;
}

describe('loadKeyring from the environment', () => {
  it(`reads ${DEFAULT_KEYRING_ENV} by default`, () => {
    expect(DEFAULT_KEYRING_ENV).toBe('SESSION_SEAL_KEYRING');
    expect(loadKeyring({ env: { SESSION_SEAL_KEYRING: ringText } }).toJSON()).toEqual(keyring.toJSON());
  });

  it('reads process.env when no env is given', () => {
    vi.stubEnv('SESSION_SEAL_KEYRING', `${ringText}\n`);
    expect(loadKeyring().toJSON()).toEqual(keyring.toJSON());
  });

  it('reads a configurable variable name', () => {
    const env = { APP_KEYS: exportKeyText(k1), SESSION_SEAL_KEYRING: ringText };
    expect(loadKeyring({ env, envVar: 'APP_KEYS' }).toJSON()).toEqual({
      primary: k1.kid,
      keys: [{ kid: k1.kid, status: 'primary' }],
    });
  });

  it('missing or empty material is ERR_KEY_MATERIAL_MISSING naming the variable, never a random key', () => {
    for (const env of [
      {},
      { SESSION_SEAL_KEYRING: '' },
      { SESSION_SEAL_KEYRING: ' \n\t' },
      { SESSION_SEAL_KEYRING: undefined },
    ]) {
      const e = expectCode(() => loadKeyring({ env }), 'ERR_KEY_MATERIAL_MISSING');
      expect(e.message).toContain('SESSION_SEAL_KEYRING');
    }
    vi.stubEnv('SESSION_SEAL_KEYRING', '');
    expectCode(() => loadKeyring(), 'ERR_KEY_MATERIAL_MISSING');
  });

  it('does not look at inherited properties of env', () => {
    const env = Object.create({ SESSION_SEAL_KEYRING: ringText }) as Record<string, string>;
    expectCode(() => loadKeyring({ env }), 'ERR_KEY_MATERIAL_MISSING');
  });

  it('never reads command-line arguments', () => {
    const saved = process.argv;
    process.argv = [...saved, ringText, `--keyring=${ringText}`];
    try {
      expectCode(() => loadKeyring({ env: {} }), 'ERR_KEY_MATERIAL_MISSING');
    } finally {
      process.argv = saved;
    }
  });

  it('a damaged value is ERR_KEY_FORMAT and the message does not contain it', () => {
    const damaged = `${ringText.slice(0, 40)}Q${ringText.slice(41)}`;
    const e = expectCode(() => loadKeyring({ env: { SESSION_SEAL_KEYRING: damaged } }), 'ERR_KEY_FORMAT');
    expect(e.message).not.toContain(damaged.slice(6, 30));
  });

  it('bad option types are TypeErrors', () => {
    expect(() => loadKeyring({ envVar: '' })).toThrow(TypeError);
    expect(() => loadKeyring({ envVar: 'A=B' })).toThrow(TypeError);
    expect(() => loadKeyring({ file: '' })).toThrow(TypeError);
    expect(() => loadKeyring(null as never)).toThrow(TypeError);
  });
});

describe('loadKeyring from a key file', () => {
  it('reads a 0600 file with a trailing newline, and a 0400 file', () => {
    expect(loadKeyring({ file: keyFile(`${ringText}\n`, 0o600) }).toJSON()).toEqual(keyring.toJSON());
    expect(loadKeyring({ file: keyFile(ringText, 0o400) }).toJSON()).toEqual(keyring.toJSON());
    const k = loadKeyring({ file: keyFile(`${exportKeyText(k1)}\r\n`, 0o600) });
    expect(Buffer.from(keyMaterial(k.openingKey(k1.kid))).equals(Buffer.from(keyMaterial(k1)))).toBe(true);
  });

  it('the file takes precedence over the environment', () => {
    const file = keyFile(exportKeyText(k2), 0o600);
    expect(loadKeyring({ file, env: { SESSION_SEAL_KEYRING: ringText } }).primaryKid).toBe(k2.kid);
  });

  it('refuses a file group or others can access, with a chmod hint (like ssh)', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666, 0o700 | 0o001]) {
      const file = keyFile(ringText, mode);
      const e = expectCode(() => loadKeyring({ file }), 'ERR_KEY_FILE_PERMISSIONS');
      expect(e).toBeInstanceOf(KeyFilePermissionsError);
      expect((e as KeyFilePermissionsError).hint).toBe(`chmod 600 ${file}`);
      expect(e.message).toContain(file);
      expect(e.message).toContain(`mode 0${(mode & 0o777).toString(8)}`);
      expect(e.message).not.toContain(ringText.slice(6, 30));
    }
  });

  it('quotes the path in the hint when it needs quoting', () => {
    const sub = join(dir, "it's here");
    mkdirSync(sub);
    const file = join(sub, 'key');
    writeFileSync(file, ringText, { mode: 0o644 });
    chmodSync(file, 0o644);
    const e = expectCode(() => loadKeyring({ file }), 'ERR_KEY_FILE_PERMISSIONS') as KeyFilePermissionsError;
    expect(e.hint).toBe(`chmod 600 '${sub.replace(/'/g, `'\\''`)}/key'`);
  });

  it('skips the mode check on Windows, which has no POSIX mode bits', () => {
    const file = keyFile(ringText, 0o644);
    const platform = Object.getOwnPropertyDescriptor(process, 'platform');
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      expect(loadKeyring({ file }).primaryKid).toBe(k1.kid);
    } finally {
      if (platform) Object.defineProperty(process, 'platform', platform);
    }
    expectCode(() => loadKeyring({ file }), 'ERR_KEY_FILE_PERMISSIONS');
  });

  it('follows a symbolic link and checks the file it points to', () => {
    const good = keyFile(ringText, 0o600);
    const bad = keyFile(ringText, 0o644);
    const toGood = join(dir, `link-${counter++}`);
    const toBad = join(dir, `link-${counter++}`);
    symlinkSync(good, toGood);
    symlinkSync(bad, toBad);
    expect(loadKeyring({ file: toGood }).primaryKid).toBe(k1.kid);
    expectCode(() => loadKeyring({ file: toBad }), 'ERR_KEY_FILE_PERMISSIONS');
  });

  it('a missing file is ERR_KEY_MATERIAL_MISSING naming the path', () => {
    const file = join(dir, 'does-not-exist');
    expect(expectCode(() => loadKeyring({ file }), 'ERR_KEY_MATERIAL_MISSING').message).toContain(file);
  });

  it('an empty or blank file is ERR_KEY_MATERIAL_MISSING', () => {
    expectCode(() => loadKeyring({ file: keyFile('', 0o600) }), 'ERR_KEY_MATERIAL_MISSING');
    expectCode(() => loadKeyring({ file: keyFile('\n\n  \n', 0o600) }), 'ERR_KEY_MATERIAL_MISSING');
  });

  it('a directory is refused as not a regular file', () => {
    const sub = join(dir, `dir-${counter++}`);
    mkdirSync(sub, { mode: 0o700 });
    const e = expectCode(() => loadKeyring({ file: sub }), 'ERR_KEY_FILE_PERMISSIONS');
    expect(e.message).toMatch(/not a regular file/);
  });

  it.skipIf(fifo === undefined)('a FIFO is refused without blocking', () => {
    expectCode(() => loadKeyring({ file: fifo as string }), 'ERR_KEY_FILE_PERMISSIONS');
  });

  it('an oversized file is ERR_KEY_FORMAT without parsing it', () => {
    expectCode(
      () => loadKeyring({ file: keyFile(`${ringText}\n${'x'.repeat(9000)}`, 0o600) }),
      'ERR_KEY_FORMAT',
    );
  });

  it('a file that is not key text is ERR_KEY_FORMAT', () => {
    expectCode(() => loadKeyring({ file: keyFile('SESSION_SEAL_KEYRING=abc\n', 0o600) }), 'ERR_KEY_FORMAT');
    expectCode(() => loadKeyring({ file: keyFile(`\ufeff${ringText}`, 0o600) }), 'ERR_KEY_FORMAT');
  });
});

describe('passphrase keys through readKeyText', () => {
  const { key, text } = deriveKeyFromPassphrase('a long operator passphrase', { N: 2 ** 10 });

  it('readKeyText returns the checked text; loadPassphraseKey derives the key', () => {
    const file = keyFile(`${text}\n`, 0o600);
    expect(readKeyText({ file })).toBe(text);
    const loaded = loadPassphraseKey(readKeyText({ file }), 'a long operator passphrase');
    expect(loaded.kid).toBe(key.kid);
  });

  it('loadKeyring refuses a passphrase text and points to loadPassphraseKey', () => {
    const e = expectCode(() => loadKeyring({ env: { SESSION_SEAL_KEYRING: text } }), 'ERR_KEY_FORMAT');
    expect(e.message).toMatch(/loadPassphraseKey/);
  });
});

describe('writeKeyFile', () => {
  it('creates a 0600 file holding the text and a newline, which loads back', () => {
    const path = join(dir, `written-${counter++}`);
    writeKeyFile(path, ringText);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe(`${ringText}\n`);
    expect(loadKeyring({ file: path }).toJSON()).toEqual(keyring.toJSON());
  });

  it('never overwrites an existing file unless asked (EEXIST)', () => {
    const path = keyFile('old', 0o600);
    expect(() => writeKeyFile(path, ringText)).toThrowError(expect.objectContaining({ code: 'EEXIST' }));
    expect(readFileSync(path, 'utf8')).toBe('old');
  });

  it('overwrite replaces the file atomically and leaves it 0600 even if it was 0644', () => {
    const sub = join(dir, `ow-${counter++}`);
    mkdirSync(sub);
    const path = join(sub, 'keyring');
    writeFileSync(path, 'old', { mode: 0o644 });
    chmodSync(path, 0o644);
    writeKeyFile(path, exportKeyText(k2), { overwrite: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadKeyring({ file: path }).primaryKid).toBe(k2.kid);
    expect(readdirSync(sub)).toEqual(['keyring']);
  });

  it('refuses damaged or foreign text and writes nothing', () => {
    const path = join(dir, `never-${counter++}`);
    expectCode(() => writeKeyFile(path, `${ringText.slice(0, -2)}AA`), 'ERR_KEY_FORMAT');
    expectCode(() => writeKeyFile(path, 'hello'), 'ERR_KEY_FORMAT');
    expectCode(() => writeKeyFile(path, ''), 'ERR_KEY_MATERIAL_MISSING');
    expect(() => statSync(path)).toThrowError(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('accepts a passphrase key text', () => {
    const { text } = deriveKeyFromPassphrase('pass phrase for the file', { N: 2 ** 10 });
    const path = join(dir, `pass-${counter++}`);
    writeKeyFile(path, text);
    expect(readKeyText({ file: path })).toBe(text);
  });
});

describe('key file owner (like ssh)', () => {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  it.skipIf(!isRoot)('a 0600 key file owned by another user is refused with a chown hint', () => {
    const path = keyFile(ringText, 0o600);
    chownSync(path, 12345, 12345);
    const err = expectCode(() => loadKeyring({ file: path }), 'ERR_KEY_FILE_PERMISSIONS');
    expect(err.message).toContain('belongs to another user (uid 12345)');
    expect((err as KeyFilePermissionsError).hint).toMatch(/^chown 0 /);
    expect(err.message).not.toContain(ringText);
  });
});

describe('check order (SPEC §9.5)', () => {
  it('a damaged passphrase text is ERR_KEY_FORMAT even with an empty passphrase', () => {
    expectCode(() => loadPassphraseKey('sskp1_garbage', ''), 'ERR_KEY_FORMAT');
  });
});
