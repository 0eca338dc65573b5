/**
 * Drop-in persistence for n8n-mcp (or any MCP server with `exportSessionState` /
 * `restoreSessionState`): seal and write at SIGTERM, read, unseal and restore at start-up.
 *
 * In your project import from the package instead of the relative paths:
 *   import { loadKeyring, readSealedFile, writeSealedFile } from 'session-seal/node';
 */
import { isSessionSealError, type SessionState } from '../src/index.js';
import type { Keyring } from '../src/keys/keyring.js';
import { readSealedFile, writeSealedFile } from '../src/node.js';

/** The two methods n8n-mcp's server exposes for persistence. */
export interface SessionPersistingServer {
  exportSessionState(): SessionState[];
  restoreSessionState(sessions: SessionState[]): number;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Seal the server's sessions and replace the file atomically. Logs counts only, never secrets. */
export async function persistSessions(
  server: SessionPersistingServer,
  path: string,
  keyring: Keyring,
  log: Logger,
): Promise<void> {
  const { written, rejected } = await writeSealedFile(path, server.exportSessionState(), keyring);
  log.info(`session-seal: wrote ${written} sealed session(s) to ${path}`);
  for (const r of rejected) log.warn(`session-seal: not persisted: entry ${r.index}: ${r.code}`);
}

/**
 * Read, unseal and hand the sessions to `restoreSessionState`. A missing file is a first start.
 * Skipped entries are logged with index, code and kid — the clear sessionId is left out of logs
 * here because proxies may put tenant names in it; add it if yours does not.
 */
export async function restoreSessions(
  server: SessionPersistingServer,
  path: string,
  keyring: Keyring,
  log: Logger,
  options: { now?: number; sessionTimeoutMs?: number; maxSessions?: number } = {},
): Promise<number> {
  let result: Awaited<ReturnType<typeof readSealedFile>>;
  try {
    result = await readSealedFile(path, keyring, options);
  } catch (err) {
    if (isSessionSealError(err, 'ERR_FILE_NOT_FOUND')) {
      log.info('session-seal: no sealed sessions yet (first start)');
      return 0;
    }
    throw err;
  }
  if (!result.integrity.ok) log.warn(`session-seal: ${result.integrity.message}`);
  for (const s of result.skipped) {
    log.warn(`session-seal: skipped entry ${s.index}: ${s.code}${s.kid ? ` (kid ${s.kid})` : ''}`);
  }
  const restored = server.restoreSessionState(result.sessions);
  log.info(`session-seal: restored ${restored}/${result.total} session(s)`);
  return restored;
}

/** The slice of `process` the shutdown handler needs (injectable for tests). */
export interface ProcessLike {
  once(signal: 'SIGTERM' | 'SIGINT', handler: () => void): unknown;
  exit(code: number): void;
}

/** On SIGTERM/SIGINT: persist, then exit (1 if persisting failed, so the orchestrator sees it). */
export function installShutdownHandler(
  server: SessionPersistingServer,
  path: string,
  keyring: Keyring,
  log: Logger,
  proc: ProcessLike,
): void {
  const onSignal = () => {
    persistSessions(server, path, keyring, log).then(
      () => proc.exit(0),
      (err: unknown) => {
        log.warn(
          `session-seal: persisting failed: ${isSessionSealError(err) ? err.code : 'unexpected error'}`,
        );
        proc.exit(1);
      },
    );
  };
  proc.once('SIGTERM', onSignal);
  proc.once('SIGINT', onSignal);
}

/**
 * A minimal stand-in for n8n-mcp's server, with its restore rules (limit, duplicates), so the
 * example runs and is tested without n8n-mcp.
 */
export class StandInServer implements SessionPersistingServer {
  readonly sessions = new Map<string, SessionState>();
  constructor(readonly maxSessions = 100) {}

  exportSessionState(): SessionState[] {
    return [...this.sessions.values()];
  }

  restoreSessionState(sessions: SessionState[]): number {
    let restored = 0;
    for (const s of sessions) {
      if (this.sessions.size >= this.maxSessions) break;
      if (this.sessions.has(s.sessionId)) continue;
      this.sessions.set(s.sessionId, s);
      restored++;
    }
    return restored;
  }
}
