/**
 * Golden files for every help text and for the main error paths (test/golden/*.txt). A change to
 * the CLI's wording shows up as a diff here. To accept a deliberate change:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/cli-golden.test.ts
 */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, ROOT, run, sealedExample, tempDir } from './cli-harness.js';

const GOLDEN = join(ROOT, 'test', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

async function golden(name: string, actual: string): Promise<void> {
  const file = join(GOLDEN, `${name}.txt`);
  if (UPDATE) {
    await writeFile(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = await readFile(file, 'utf8');
  } catch {
    throw new Error(
      `missing golden file ${file}; create it with UPDATE_GOLDEN=1 npx vitest run test/cli-golden.test.ts`,
    );
  }
  expect(actual).toBe(expected);
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await sealedExample(dir);
  await writeFile(join(dir, 'loose.key'), await readFile(join(dir, 'keyring.key')));
  await chmod(join(dir, 'loose.key'), 0o644);
  await writeFile(join(dir, 'export.json'), '[]\n');
  const doc = JSON.parse(await readFile(join(dir, 'sessions.sealed'), 'utf8')) as { entries: unknown[] };
  doc.entries.pop();
  await writeFile(join(dir, 'truncated.sealed'), JSON.stringify(doc));
});
afterAll(async () => {
  await cleanup(dir);
});

/** The transcript of one run, with the temp directory replaced so the file is stable. */
async function transcript(argv: string[], env: Record<string, string> = {}, stdin?: string): Promise<string> {
  const r = await run(argv, { cwd: dir, env, ...(stdin === undefined ? {} : { stdin }) });
  const text = `$ session-seal ${argv.join(' ')}\nexit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
  return text.split(dir).join('<tmp>');
}

describe('golden: --help', () => {
  const commands = [
    [],
    ['keygen'],
    ['keys'],
    ['keys', 'list'],
    ['keys', 'add'],
    ['keys', 'promote'],
    ['keys', 'disable'],
    ['keys', 'enable'],
    ['keys', 'remove'],
    ['seal'],
    ['unseal'],
    ['rotate'],
    ['inspect'],
    ['verify'],
  ];
  it.each(commands.map((c) => [c.join(' ') || '(main)', c]))('%s', async (_label, words) => {
    const r = await run([...(words as string[]), '--help'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    await golden(`help-${(words as string[]).join('-') || 'main'}`, r.stdout);
  });
});

describe('golden: errors', () => {
  const keyFileEnv = async () => ({
    SESSION_SEAL_KEYRING: (await readFile(join(dir, 'keyring.key'), 'utf8')).trim(),
  });
  const cases: [string, () => Promise<string>][] = [
    ['no-command', () => transcript([])],
    ['unknown-command', () => transcript(['frobnicate'])],
    ['unknown-option', () => transcript(['seal', '--colour', 'red'])],
    ['missing-value', () => transcript(['unseal', '--in'])],
    ['key-option', () => transcript(['seal', '--key', 'abc', '--in', 'x', '--out', 'y'])],
    ['key-missing', () => transcript(['unseal', '--in', 'sessions.sealed'])],
    ['key-missing-json', () => transcript(['unseal', '--in', 'sessions.sealed', '--json'])],
    ['key-format', () => transcript(['keys', 'list'], { SESSION_SEAL_KEYRING: 'ssk1_AAAAAAAA' })],
    ['key-permissions', () => transcript(['keys', 'list', '--key-file', 'loose.key'])],
    ['file-not-found', () => transcript(['inspect', '--in', 'absent.sealed'])],
    ['not-a-bundle', () => transcript(['inspect', '--in', 'export.json'])],
    [
      'input-not-json',
      async () => transcript(['seal', '--in', '-', '--out', 'x.sealed'], await keyFileEnv(), 'nope'),
    ],
    [
      'rotate-integrity',
      async () => transcript(['rotate', '--file', 'truncated.sealed'], await keyFileEnv()),
    ],
    [
      'remove-not-disabled',
      async () => {
        const add = await run(['keys', 'add', '--key-file', 'keyring.key', '--stdout'], { cwd: dir });
        const kid = /added key ([0-9a-f]{16})/.exec(add.stderr)?.[1] ?? '';
        return (
          await transcript(['keys', 'remove', kid, '--stdout'], { SESSION_SEAL_KEYRING: add.stdout.trim() })
        )
          .split(kid)
          .join('<kid>');
      },
    ],
  ];
  it.each(cases)('%s', async (name, make) => {
    await golden(`error-${name}`, await make());
  });
});
