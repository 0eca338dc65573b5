import { spawnSync } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  cleanStaleTemps,
  DEFAULT_MAX_FILE_BYTES,
  MAX_FILE_BYTES_LIMIT,
  openStore,
  readFileLimited,
  STALE_TEMP_AGE_MS,
  writeFileAtomic,
} from '../src/store/index.js';
import { expectCodeAsync } from './helpers/expect-code.js';

type Op = 'open' | 'write' | 'sync' | 'rename';

/**
 * A transparent wrapper around node:fs/promises so tests can see what the store does: the bytes it
 * read, and each step as `<op> <path>` in `log`. `hook` can pause or fail it halfway through the
 * temp write, before any fsync and before the rename.
 */
const probe = vi.hoisted(() => ({
  bytesRead: 0,
  log: [] as string[],
  hook: undefined as ((op: Op) => Promise<void>) | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof real.open = async (...args) => {
    const handle = await real.open(...args);
    const path = String(args[0]);
    probe.log.push(`open ${path}`);
    const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
    const writeFile = handle.writeFile.bind(handle);
    const sync = handle.sync.bind(handle);
    Object.assign(handle, {
      read: async (...a: unknown[]) => {
        const result = await read(...a);
        probe.bytesRead += result.bytesRead;
        return result;
      },
      writeFile: async (data: Uint8Array) => {
        probe.log.push(`write ${path}`);
        const half = data.subarray(0, data.length >> 1);
        await writeFile(half);
        await probe.hook?.('write');
        await writeFile(data.subarray(half.length));
      },
      sync: async () => {
        probe.log.push(`sync ${path}`);
        await probe.hook?.('sync');
        await sync();
      },
    });
    return handle;
  };
  const rename: typeof real.rename = async (...args) => {
    probe.log.push(`rename ${String(args[0])}`);
    await probe.hook?.('rename');
    await real.rename(...args);
  };
  return { ...real, open, rename };
});

const { lstat, mkdir, readdir, readFile, readlink, stat, symlink, utimes, writeFile } = fsp;
const posix = process.platform !== 'win32';
const utf8 = new TextEncoder();

let dir: string;
let target: string;

beforeEach(async () => {
  dir = await fsp.mkdtemp(join(tmpdir(), 'session-seal-store-'));
  target = join(dir, 'sessions.json');
  probe.bytesRead = 0;
  probe.log = [];
  probe.hook = undefined;
});

afterEach(async () => {
  probe.hook = undefined;
  await fsp.rm(dir, { recursive: true, force: true });
});

/** A pid that is certainly not running: a child that has already exited and been reaped. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('could not spawn a child');
  return pid;
}

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });
}

describe('writeFileAtomic / readFileLimited', () => {
  it('round-trips UTF-8 text, bytes and empty content', async () => {
    await writeFileAtomic(target, 'héllo ✓ 𝄞');
    expect(await readFile(target, 'utf8')).toBe('héllo ✓ 𝄞');
    expect(await readFileLimited(target)).toEqual(utf8.encode('héllo ✓ 𝄞'));

    const bytes = new Uint8Array([0, 255, 1, 254, 10, 13]);
    await writeFileAtomic(target, bytes);
    expect(await readFileLimited(target)).toEqual(bytes);

    await writeFileAtomic(target, '');
    expect(await readFileLimited(target)).toEqual(new Uint8Array(0));
  });

  it('round-trips arbitrary bytes and leaves no temp file behind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        await writeFileAtomic(target, bytes);
        expect(await readFileLimited(target)).toEqual(bytes);
        expect(await readdir(dir)).toEqual(['sessions.json']);
      }),
      { numRuns: 30 },
    );
  });

  it.skipIf(!posix)('fsyncs the temp before the rename and the directory after it', async () => {
    await writeFileAtomic(target, 'x');
    const temp = /sessions\.json\.\d+\.[0-9a-f]{16}\.tmp/;
    const steps = probe.log.map((step) => step.replace(temp, '<temp>'));
    const tempPath = join(dir, '<temp>');
    expect(steps).toEqual([
      `open ${dir}`,
      `open ${tempPath}`,
      `write ${tempPath}`,
      `sync ${tempPath}`,
      `rename ${tempPath}`,
      `sync ${dir}`,
    ]);
  });

  it('resolves a relative path once, against the working directory at the call', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    let store: Awaited<ReturnType<typeof openStore>>;
    try {
      await writeFileAtomic('rel.txt', 'first');
      store = await openStore('rel.txt');
    } finally {
      process.chdir(cwd);
    }
    expect(await readFile(join(dir, 'rel.txt'), 'utf8')).toBe('first');
    await store.write('second');
    expect(await readFile(join(dir, 'rel.txt'), 'utf8')).toBe('second');
  });

  it.skipIf(!posix)('creates the file 0600 even under a permissive umask', async () => {
    const old = process.umask(0);
    try {
      await writeFileAtomic(target, 'a');
    } finally {
      process.umask(old);
    }
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it.skipIf(!posix)('applies an explicit mode exactly, whatever the umask', async () => {
    const old = process.umask(0o077);
    try {
      await writeFileAtomic(target, 'a', { mode: 0o640 });
    } finally {
      process.umask(old);
    }
    expect((await stat(target)).mode & 0o777).toBe(0o640);
  });

  it.skipIf(!posix)('replacing a 0644 file leaves a 0600 file with the new content', async () => {
    await writeFile(target, 'old', { mode: 0o644 });
    await fsp.chmod(target, 0o644);
    await writeFileAtomic(target, 'new');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['sessions.json']);
  });

  it.skipIf(!posix)('refuses a symlink at the target and leaves its destination untouched', async () => {
    const real = join(dir, 'real.json');
    await writeFile(real, 'precious');
    await symlink(real, target);

    const err = await expectCodeAsync(() => writeFileAtomic(target, 'evil'), 'ERR_FILE_UNSAFE');
    expect(err.message).toContain('symbolic link');
    expect(await readFile(real, 'utf8')).toBe('precious');
    expect((await lstat(target)).isSymbolicLink()).toBe(true);
    expect(await readlink(target)).toBe(real);
    expect((await readdir(dir)).sort()).toEqual(['real.json', 'sessions.json']);

    await expectCodeAsync(() => readFileLimited(target), 'ERR_FILE_UNSAFE');
    expect(probe.bytesRead).toBe(0);
  });

  it.skipIf(!posix)('refuses a dangling symlink at the target and creates nothing through it', async () => {
    const nowhere = join(dir, 'nowhere.json');
    await symlink(nowhere, target);
    await expectCodeAsync(() => writeFileAtomic(target, 'x'), 'ERR_FILE_UNSAFE');
    expect(await readdir(dir)).toEqual(['sessions.json']);
    expect(await readlink(target)).toBe(nowhere);
  });

  it('refuses a directory at the target, for writing and for reading', async () => {
    await mkdir(target);
    await expectCodeAsync(() => writeFileAtomic(target, 'x'), 'ERR_FILE_UNSAFE');
    await expectCodeAsync(() => readFileLimited(target), 'ERR_FILE_UNSAFE');
    expect(await readdir(target)).toEqual([]);
    expect(await readdir(dir)).toEqual(['sessions.json']);
  });

  it.skipIf(!posix)('refuses a FIFO without blocking on it', async () => {
    const fifo = join(dir, 'fifo');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status).toBe(0);
    await expectCodeAsync(() => readFileLimited(fifo), 'ERR_FILE_UNSAFE');
    await expectCodeAsync(() => writeFileAtomic(fifo, 'x'), 'ERR_FILE_UNSAFE');
  });

  it('reports a missing file as ERR_FILE_NOT_FOUND', async () => {
    const err = await expectCodeAsync(() => readFileLimited(target), 'ERR_FILE_NOT_FOUND');
    expect(err.message).toContain(target);
    await expectCodeAsync(() => readFileLimited(join(dir, 'no', 'such.json')), 'ERR_FILE_NOT_FOUND');
  });

  it('reports a missing parent directory as ERR_FILE_NOT_FOUND naming the directory', async () => {
    const missing = join(dir, 'missing');
    const err = await expectCodeAsync(
      () => writeFileAtomic(join(missing, 'f.json'), 'x'),
      'ERR_FILE_NOT_FOUND',
    );
    expect(err.message).toContain(missing);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a file over the limit from fstat alone, reading nothing', async () => {
    await writeFile(target, new Uint8Array(101));
    const err = await expectCodeAsync(() => readFileLimited(target, { maxBytes: 100 }), 'ERR_FILE_TOO_LARGE');
    expect(err.message).toContain('100');
    expect(probe.bytesRead).toBe(0);
  });

  it('accepts a file of exactly the limit, and an empty file under limit 0', async () => {
    await writeFile(target, new Uint8Array(100).fill(7));
    expect(await readFileLimited(target, { maxBytes: 100 })).toEqual(new Uint8Array(100).fill(7));
    await writeFile(target, '');
    expect(await readFileLimited(target, { maxBytes: 0 })).toEqual(new Uint8Array(0));
    await writeFile(target, 'x');
    await expectCodeAsync(() => readFileLimited(target, { maxBytes: 0 }), 'ERR_FILE_TOO_LARGE');
  });

  // /proc files are regular files whose fstat size is 0 though they have content: the read itself
  // must stop at limit + 1 bytes.
  it.skipIf(process.platform !== 'linux')(
    'stops reading at limit + 1 bytes when fstat understates',
    async () => {
      expect((await stat('/proc/self/status')).size).toBe(0);
      await expectCodeAsync(
        () => readFileLimited('/proc/self/status', { maxBytes: 16 }),
        'ERR_FILE_TOO_LARGE',
      );
      expect(probe.bytesRead).toBe(17);
      const whole = await readFileLimited('/proc/self/status', { maxBytes: 1 << 20 });
      expect(new TextDecoder().decode(whole)).toContain('Pid:');
    },
  );

  it.each<Op>(['write', 'sync', 'rename'])(
    'an OS error at %s propagates as-is, removes the temp and keeps the old file',
    async (op) => {
      await writeFileAtomic(target, 'old content');
      const injected = enospc();
      probe.hook = async (at) => {
        if (at === op) throw injected;
      };
      await expect(writeFileAtomic(target, 'new content that will not land')).rejects.toBe(injected);
      probe.hook = undefined;
      expect(await readFile(target, 'utf8')).toBe('old content');
      expect(await readdir(dir)).toEqual(['sessions.json']);
    },
  );

  it('rejects bad arguments as programmer errors, before touching the disk', async () => {
    await expect(writeFileAtomic('', 'x')).rejects.toThrow(TypeError);
    await expect(writeFileAtomic(42 as unknown as string, 'x')).rejects.toThrow(TypeError);
    await expect(writeFileAtomic(target, 42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(writeFileAtomic(target, 'lone \ud800 surrogate')).rejects.toThrow(TypeError);
    await expect(writeFileAtomic(target, 'x', { mode: 0o1000 })).rejects.toThrow(RangeError);
    await expect(writeFileAtomic(target, 'x', { mode: 1.5 })).rejects.toThrow(RangeError);
    await expect(writeFileAtomic(target, 'x', { mode: '600' as unknown as number })).rejects.toThrow(
      TypeError,
    );
    await expect(readFileLimited(target, { maxBytes: -1 })).rejects.toThrow(RangeError);
    await expect(readFileLimited(target, { maxBytes: MAX_FILE_BYTES_LIMIT + 1 })).rejects.toThrow(RangeError);
    await expect(readFileLimited(target, { maxBytes: Number.NaN })).rejects.toThrow(RangeError);
    expect(await readdir(dir)).toEqual([]);
    expect(DEFAULT_MAX_FILE_BYTES).toBe(256 * 1024 * 1024);
  });
});

describe('cleanStaleTemps', () => {
  it('removes only dead or old temps of this target, in our exact naming pattern', async () => {
    const dead = deadPid();
    const hex = '0123456789abcdef';
    const names = {
      deadTemp: `sessions.json.${dead}.${hex}.tmp`,
      liveTemp: `sessions.json.${process.pid}.${hex}.tmp`,
      oldLiveTemp: `sessions.json.${process.pid}.fedcba9876543210.tmp`,
      otherTarget: `other.json.${dead}.${hex}.tmp`,
      nestedTarget: `sessions.json.${dead}.${hex}.tmp.${dead}.${hex}.tmp`,
      badTag: `sessions.json.${dead}.0123.tmp`,
      upperTag: `sessions.json.${dead}.${hex.toUpperCase()}.tmp`,
      leadingZero: `sessions.json.0${dead}.${hex}.tmp`,
      plain: 'sessions.json.tmp',
    };
    await writeFile(target, 'keep');
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'x');
    const old = (Date.now() - STALE_TEMP_AGE_MS - 60_000) / 1000;
    await utimes(join(dir, names.oldLiveTemp), old, old);
    // Entries that match the pattern but are not regular files are never removed.
    const dirTemp = `sessions.json.${dead}.aaaaaaaaaaaaaaaa.tmp`;
    await mkdir(join(dir, dirTemp));
    const linkTemp = `sessions.json.${dead}.bbbbbbbbbbbbbbbb.tmp`;
    if (posix) await symlink(target, join(dir, linkTemp));

    expect(await cleanStaleTemps(target)).toBe(2);

    const left = new Set(await readdir(dir));
    expect(left.has(names.deadTemp)).toBe(false);
    expect(left.has(names.oldLiveTemp)).toBe(false);
    for (const name of [names.liveTemp, names.otherTarget, names.nestedTarget, names.badTag]) {
      expect(left.has(name), name).toBe(true);
    }
    for (const name of [names.upperTag, names.leadingZero, names.plain, 'sessions.json', dirTemp]) {
      expect(left.has(name), name).toBe(true);
    }
    expect(left.has(linkTemp)).toBe(posix);
    expect(await readFile(target, 'utf8')).toBe('keep');
    expect(await cleanStaleTemps(target)).toBe(0);
  });

  it("leaves a live writer's temp alone, and that write still completes", async () => {
    await writeFileAtomic(target, 'old');
    let release: () => void = () => undefined;
    let paused: () => void = () => undefined;
    const isPaused = new Promise<void>((resolve) => {
      paused = resolve;
    });
    probe.hook = async (op) => {
      if (op !== 'rename') return;
      paused();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const writing = writeFileAtomic(target, 'new');
    await isPaused;
    expect((await readdir(dir)).length).toBe(2);
    expect(await cleanStaleTemps(target)).toBe(0);
    expect((await readdir(dir)).length).toBe(2);
    release();
    await writing;
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['sessions.json']);
  });

  it('reports a missing directory as ERR_FILE_NOT_FOUND', async () => {
    await expectCodeAsync(() => cleanStaleTemps(join(dir, 'missing', 'f.json')), 'ERR_FILE_NOT_FOUND');
  });
});

describe('openStore', () => {
  it('cleans a crashed writer’s temp on open, then reads and writes the bound file', async () => {
    const stale = `sessions.json.${deadPid()}.0123456789abcdef.tmp`;
    await writeFile(join(dir, stale), 'half a docu');
    const store = await openStore(target, { maxBytes: 10 });
    expect(await readdir(dir)).toEqual([]);
    expect(store.path).toBe(target);

    await expectCodeAsync(() => store.read(), 'ERR_FILE_NOT_FOUND');
    await store.write('0123456789');
    expect(await store.read()).toEqual(utf8.encode('0123456789'));
    await store.write('0123456789a');
    await expectCodeAsync(() => store.read(), 'ERR_FILE_TOO_LARGE');
    if (posix) expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('applies the mode chosen at open', async () => {
    const store = await openStore(target, { mode: 0o640 });
    await store.write('x');
    if (posix) expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect(await readFile(target, 'utf8')).toBe('x');
  });

  it('validates at open: missing directory and bad options', async () => {
    await expectCodeAsync(() => openStore(join(dir, 'missing', 'f.json')), 'ERR_FILE_NOT_FOUND');
    await expect(openStore(target, { maxBytes: -1 })).rejects.toThrow(RangeError);
    await expect(openStore(target, { mode: 0o7777 })).rejects.toThrow(RangeError);
  });
});
