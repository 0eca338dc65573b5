import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  installShutdownHandler,
  type Logger,
  type ProcessLike,
  persistSessions,
  restoreSessions,
  StandInServer,
} from '../examples/n8n-mcp.js';
import { generateKey } from '../src/keys/key.js';
import { createKeyring } from '../src/keys/keyring.js';
import { realisticSessions } from './helpers/fixtures.js';

function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) };
}

const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const keyring = createKeyring({ primary: generateKey() });

describe('examples/n8n-mcp.ts', () => {
  it('SIGTERM persists sealed; start-up restores exactly what was exported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-n8n-'));
    const path = join(dir, 'sessions.sealed.json');
    const before = new StandInServer();
    for (const s of realisticSessions(20, { now: NOW })) before.sessions.set(s.sessionId, s);

    const handlers: Record<string, () => void> = {};
    let exitCode: number | undefined;
    const exited = new Promise<void>((resolve) => {
      const proc: ProcessLike = {
        once: (sig, h) => {
          handlers[sig] = h;
        },
        exit: (code) => {
          exitCode = code;
          resolve();
        },
      };
      installShutdownHandler(before, path, keyring, memoryLog(), proc);
    });
    handlers.SIGTERM?.();
    await exited;
    expect(exitCode).toBe(0);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const onDisk = readFileSync(path, 'utf8');
    for (const s of before.exportSessionState()) expect(onDisk).not.toContain(s.context.n8nApiKey);

    const after = new StandInServer();
    const log = memoryLog();
    const n = await restoreSessions(after, path, keyring, log, { now: NOW });
    expect(n).toBe(20);
    expect(after.exportSessionState()).toEqual(before.exportSessionState());
    expect(log.lines.join('\n')).not.toMatch(/n8n_api_|eyJhbGci/);
  });

  it('first start (no file) restores nothing and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-n8n-'));
    const log = memoryLog();
    expect(await restoreSessions(new StandInServer(), join(dir, 'none.json'), keyring, log)).toBe(0);
    expect(log.lines).toEqual(['session-seal: no sealed sessions yet (first start)']);
  });

  it('expired sessions are skipped and logged with their code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-n8n-'));
    const path = join(dir, 's.json');
    const server = new StandInServer();
    for (const s of realisticSessions(3, { now: NOW })) server.sessions.set(s.sessionId, s);
    await persistSessions(server, path, keyring, memoryLog());
    const log = memoryLog();
    const n = await restoreSessions(new StandInServer(), path, keyring, log, { now: NOW + 3_600_000 });
    expect(n).toBe(0);
    expect(log.lines.filter((l) => l.includes('ERR_SESSION_EXPIRED'))).toHaveLength(3);
  });

  it('a wrong keyring restores nothing, loudly, and never throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ss-n8n-'));
    const path = join(dir, 's.json');
    const server = new StandInServer();
    for (const s of realisticSessions(2, { now: NOW })) server.sessions.set(s.sessionId, s);
    await persistSessions(server, path, keyring, memoryLog());
    const log = memoryLog();
    const other = createKeyring({ primary: generateKey() });
    expect(await restoreSessions(new StandInServer(), path, other, log, { now: NOW })).toBe(0);
    expect(log.lines.filter((l) => l.includes('ERR_KEY_NOT_FOUND'))).toHaveLength(2);
    expect(log.lines.some((l) => l.includes('ERR_BUNDLE_INTEGRITY'))).toBe(false);
    expect(log.lines.some((l) => l.includes('integrity check failed'))).toBe(true);
  });
});
