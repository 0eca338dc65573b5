/**
 * Reading command inputs: a file (size-limited, symlinks refused, via the store) or stdin (`-`,
 * counted while it arrives), then strict UTF-8 and JSON. Parse errors are reported without the
 * parser's message, which quotes the input.
 */
import { DEFAULT_MAX_FILE_BYTES, readFileLimited } from '../node.js';
import { type Ctx, resolvePath } from './command.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { readStream } from './io.js';

/** The bytes of `--in`: `-` is stdin. */
export async function readInput(ctx: Ctx, path: string): Promise<Uint8Array> {
  if (path === '-') return readStream(ctx.io.stdin, DEFAULT_MAX_FILE_BYTES);
  return readFileLimited(resolvePath(ctx, path));
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict UTF-8 (no replacement characters, a BOM is not skipped) then JSON.parse. */
export function decodeJson(
  bytes: Uint8Array,
): { ok: true; value: unknown } | { ok: false; reason: 'UTF-8' | 'JSON' } {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, reason: 'UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'JSON' };
  }
}

function malformed(message: string, hint?: string): CliError {
  return new CliError('ERR_INPUT_MALFORMED', EXIT.FILE, message, hint);
}

/** The SessionState[] export to seal: a JSON array (n8n-mcp `exportSessionState()`). */
export function parseExport(bytes: Uint8Array): unknown[] {
  const decoded = decodeJson(bytes);
  if (!decoded.ok) throw malformed(`input is not valid ${decoded.reason}`);
  const value = decoded.value;
  if (Array.isArray(value)) return value;
  const format = (value as { format?: unknown } | null)?.format;
  if (typeof format === 'string' && format.startsWith('session-seal/bundle/')) {
    throw malformed(
      'input is already a sealed bundle',
      'to re-seal under a new key use: session-seal rotate',
    );
  }
  throw malformed('input must be a JSON array of SessionState records (n8n-mcp exportSessionState())');
}
