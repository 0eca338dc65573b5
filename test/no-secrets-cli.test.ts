/**
 * A whole operator session through the CLI — keygen, seal, inspect, keys, rotate, verify, unseal
 * and a set of failures — with every byte the CLI printed (stdout and stderr) and every file it
 * wrote scanned for secrets: the API keys of the input, the context URLs, the master key bytes
 * (hex, base64, base64url) and the key texts. Excluded, because holding secrets is their job: the
 * unseal output files and the key files themselves.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importKeyringText } from '../src/index.js';
import { keyMaterial } from '../src/keys/key.js';
import { cleanup, DEMO_NOW_ISO, EXAMPLE_FILE, exampleSessions, kidsOf, run, tempDir } from './cli-harness.js';

let dir: string;
const printed: { step: string; text: string }[] = [];
const keyTexts: string[] = [];

async function step(
  name: string,
  argv: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
) {
  const r = await run(argv, { cwd: dir, ...options });
  printed.push({ step: `${name} (stdout)`, text: r.stdout }, { step: `${name} (stderr)`, text: r.stderr });
  return r;
}

async function snapshotKeys(): Promise<void> {
  keyTexts.push((await readFile(join(dir, 'keyring.key'), 'utf8')).trim());
}

beforeAll(async () => {
  dir = await tempDir();
  const kf = ['--key-file', 'keyring.key'];
  await step('keygen', ['keygen', '--out', 'keyring.key']);
  await snapshotKeys();
  await step('seal', ['seal', ...kf, '--in', EXAMPLE_FILE, '--out', 'sessions.sealed']);
  await step('seal json', ['seal', ...kf, '--in', EXAMPLE_FILE, '--out', 'sessions.sealed', '--json']);
  await step('inspect', ['inspect', '--in', 'sessions.sealed', '--now', DEMO_NOW_ISO]);
  await step('inspect json', ['inspect', '--in', 'sessions.sealed', '--json']);
  await step('keygen add', ['keygen', '--add-to', 'keyring.key']);
  await snapshotKeys();
  const [, added] = await kidsOf(dir);
  await step('keys list', ['keys', 'list', ...kf]);
  await step('keys promote', ['keys', 'promote', added?.kid ?? '', ...kf, '--json']);
  await snapshotKeys();
  await step('rotate', ['rotate', ...kf, '--file', 'sessions.sealed']);
  await step('rotate json', ['rotate', ...kf, '--file', 'sessions.sealed', '--json']);
  await step('verify', ['verify', ...kf, '--in', 'sessions.sealed']);
  await step('verify json', ['verify', ...kf, '--in', 'sessions.sealed', '--json']);
  const env = { SESSION_SEAL_KEYRING: keyTexts.at(-1) ?? '' };
  await step(
    'unseal',
    ['unseal', '--in', 'sessions.sealed', '--out', 'restored.json', '--now', DEMO_NOW_ISO],
    { env },
  );
  await step('unseal json', ['unseal', '--in', 'sessions.sealed', '--out', 'restored2.json', '--json'], {
    env,
  });

  // Failures.
  const text = keyTexts.at(-1) ?? '';
  await step('key in argv', ['unseal', '--in', text]);
  await step('key option', ['seal', `--key=${text}`]);
  await step('damaged key', ['keys', 'list'], { env: { SESSION_SEAL_KEYRING: `${text.slice(0, -3)}xyz` } });
  await step('truncated key', ['keys', 'list'], { env: { SESSION_SEAL_KEYRING: text.slice(0, -10) } });
  await step('missing key', ['verify', '--in', 'sessions.sealed']);
  await step('keygen other', ['keygen', '--out', 'other.key']);
  keyTexts.push((await readFile(join(dir, 'other.key'), 'utf8')).trim());
  await step('wrong key', [
    'unseal',
    '--in',
    'sessions.sealed',
    '--key-file',
    'other.key',
    '--out',
    'restored4.json',
  ]);
  await step('wrong key verify', ['verify', '--in', 'sessions.sealed', '--key-file', 'other.key', '--json']);
  await step('seal not json', ['seal', ...kf, '--in', '-', '--out', 'x.sealed'], {
    stdin: (await readFile(EXAMPLE_FILE, 'utf8')).slice(0, 900),
  });
  await step('seal strict', ['seal', ...kf, '--in', EXAMPLE_FILE, '--out', 'y.sealed', '--strict', '--json']);
  const file = join(dir, 'sessions.sealed');
  const doc = JSON.parse(await readFile(file, 'utf8')) as { entries: { sessionId: string }[] };
  const [first] = doc.entries;
  if (first) first.sessionId = `${first.sessionId}x`;
  doc.entries.reverse();
  await writeFile(join(dir, 'tampered.sealed'), JSON.stringify(doc));
  await step('verify tampered', ['verify', ...kf, '--in', 'tampered.sealed']);
  await step('unseal tampered', [
    'unseal',
    ...kf,
    '--in',
    'tampered.sealed',
    '--out',
    'restored3.json',
    '--now',
    DEMO_NOW_ISO,
  ]);
  await step('rotate tampered', ['rotate', ...kf, '--file', 'tampered.sealed', '--force']);
});

afterAll(async () => {
  await cleanup(dir);
});

/** Every form a secret could leak in; long ones also as 24-character windows (a partial echo). */
function needles(secret: string): string[] {
  const out = [secret];
  for (let i = 0; i + 24 <= secret.length; i += 8) out.push(secret.slice(i, i + 24));
  return out;
}

async function secrets(): Promise<{ what: string; needle: string }[]> {
  const list: { what: string; needle: string }[] = [];
  for (const s of await exampleSessions()) {
    for (const n of needles(s.context.n8nApiKey)) list.push({ what: `API key of ${s.sessionId}`, needle: n });
    list.push({ what: `API URL of ${s.sessionId}`, needle: s.context.n8nApiUrl });
  }
  for (const text of keyTexts) {
    for (const n of needles(text.replace(/^sskr?1_/, ''))) list.push({ what: 'key text', needle: n });
    for (const e of importKeyringText(text).entries()) {
      const bytes = Buffer.from(keyMaterial(e.key));
      for (const enc of ['hex', 'base64', 'base64url'] as const) {
        list.push({
          what: `key ${e.key.kid} bytes (${enc})`,
          needle: bytes.toString(enc).replace(/=+$/, ''),
        });
      }
    }
  }
  return list;
}

describe('no secret in any CLI output of a full session', () => {
  it('ran every step (sanity: the scan is not over empty output)', () => {
    expect(printed.length).toBe(2 * 27);
    expect(printed.map((p) => p.text).join('')).toContain('restored 5 of 7 sessions');
    expect(keyTexts).toHaveLength(4);
  });

  it('stdout and stderr of every step', async () => {
    const list = await secrets();
    expect(list.length).toBeGreaterThan(100);
    for (const { step: name, text } of printed) {
      for (const { what, needle } of list) {
        expect(text.includes(needle), `${what} found in ${name}`).toBe(false);
      }
    }
  });

  it('every file written, except the unseal output and the key file', async () => {
    const list = await secrets();
    const files = (await readdir(dir)).filter((f) => !/^restored\d?\.json$/.test(f) && !f.endsWith('.key'));
    expect(files).toEqual(expect.arrayContaining(['sessions.sealed', 'tampered.sealed']));
    for (const f of files) {
      const text = await readFile(join(dir, f), 'utf8');
      for (const { what, needle } of list) expect(text.includes(needle), `${what} found in ${f}`).toBe(false);
    }
  });

  it('the excluded unseal output really holds the API keys (the scan would see them)', async () => {
    const restored = await readFile(join(dir, 'restored.json'), 'utf8');
    const [first] = await exampleSessions();
    expect(restored).toContain(first?.context.n8nApiKey);
  });
});
