/**
 * Argument parsing on `node:util` parseArgs, non-strict with tokens, so that every message is ours:
 * parseArgs' own errors quote the offending argument, and an argument may be a pasted secret. Our
 * messages name options, never argument values.
 */
import { parseArgs } from 'node:util';
import type { OptionSpecs, OptionValues } from './command.js';
import { usageError } from './errors.js';
import { showId } from './output.js';

/** Options every command accepts. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  'key-file': {
    type: 'string',
    arg: '<path>',
    help: 'read the keyring from this file (mode 0600 or stricter)',
  },
  'key-env': {
    type: 'string',
    arg: '<name>',
    help: 'read the keyring from this variable (default SESSION_SEAL_KEYRING)',
  },
  json: { type: 'boolean', help: 'print one JSON object instead of text (for scripts)' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', help: 'print the version' },
};

/** A key, keyring or passphrase text (SPEC §9): prefix, version, then a long base64url body. */
const KEY_TEXT = /ssk[rp]?[0-9]{1,6}_[A-Za-z0-9_-]{16,}/;
/** Options people reach for to pass a key; refused with a clear reason rather than "unknown option". */
const KEY_OPTION = /^--(key|keyring|key-text|passphrase|secret|master-key)(=|$)/;

/**
 * Refuse key material in argv before anything else looks at it: every user on the host can read a
 * process's arguments (`ps`, /proc/<pid>/cmdline), and shells keep them in history (SPEC §9.6).
 * The message never repeats the argument.
 */
export function refuseKeyArguments(argv: readonly string[]): void {
  for (const arg of argv) {
    if (KEY_TEXT.test(arg) || KEY_OPTION.test(arg)) {
      throw usageError(
        'key material is not accepted as a command-line argument: other users can read arguments in the process list',
        'put the key text in the SESSION_SEAL_KEYRING environment variable (or the one named by --key-env), or in a file readable only by you and pass --key-file <path>',
      );
    }
  }
}

function parseArgsOptions(
  specs: OptionSpecs,
): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    out[name] = spec.short === undefined ? { type: spec.type } : { type: spec.type, short: spec.short };
  }
  return out;
}

/**
 * Find the command words: the first positional argument, and for a group (`keys`) the second.
 * Global options may come before the command; a command's own options come after it.
 */
export function splitCommand(
  argv: readonly string[],
  groups: ReadonlySet<string>,
): { words: string[]; rest: string[] } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: parseArgsOptions(GLOBAL_OPTIONS),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const words: string[] = [];
  const taken = new Set<number>();
  for (const t of tokens) {
    if (t.kind === 'option-terminator') break;
    if (t.kind !== 'positional') continue;
    const first = words[0];
    if (first !== undefined && !groups.has(first)) break;
    words.push(t.value);
    taken.add(t.index);
    if (words.length === 2) break;
  }
  return { words, rest: argv.filter((_, i) => !taken.has(i)) };
}

/** Parse a command's arguments against its options plus the global ones. */
export function parseOptions(
  args: readonly string[],
  specs: OptionSpecs,
  helpRef: string,
): { opts: OptionValues; positionals: string[] } {
  const { tokens } = parseArgs({
    args: [...args],
    options: parseArgsOptions(specs),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const hint = `see: ${helpRef} --help`;
  const opts: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    const spec = Object.hasOwn(specs, t.name) ? specs[t.name] : undefined;
    // rawName never includes an `=value` part, so no value is echoed.
    const shown = showId(t.rawName, 40);
    if (spec === undefined) throw usageError(`unknown option ${shown}`, hint);
    const display = spec.short !== undefined && t.rawName === `-${spec.short}` ? shown : `--${t.name}`;
    if (Object.hasOwn(opts, t.name)) throw usageError(`${display} is given more than once`, hint);
    if (spec.type === 'boolean') {
      if (t.value !== undefined) throw usageError(`${display} takes no value`, hint);
      opts[t.name] = true;
      continue;
    }
    // parseArgs (non-strict) takes the next argument as the value even when it is another option.
    if (t.value === undefined || t.value === '' || (t.inlineValue !== true && t.value.startsWith('--'))) {
      throw usageError(`${display} needs a value: ${display} ${spec.arg ?? '<value>'}`, hint);
    }
    opts[t.name] = t.value;
  }
  return { opts, positionals };
}

// ---------------------------------------------------------------------------------------------
// Option values. Messages describe the expected form; they do not repeat what was given.

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** A real calendar day: Date.parse rolls 2026-02-30 over to March 2 instead of refusing it. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `--now`: an ISO 8601 date-time with seconds and a zone, as `Date#toISOString()` writes. */
export function parseTime(name: string, value: string): number {
  const m = ISO_TIME.exec(value);
  const t =
    m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) {
    throw usageError(`--${name} must be an ISO 8601 date-time with a zone, e.g. 2026-11-23T12:00:00Z`);
  }
  return t;
}

/** Minutes (decimals allowed) → whole milliseconds ≥ 1. */
export function parseMinutes(name: string, value: string): number {
  const ms = /^\d{1,9}(\.\d{1,6})?$/.test(value) ? Math.round(Number(value) * 60_000) : 0;
  if (!(ms >= 1)) throw usageError(`--${name} must be a positive number of minutes, e.g. 30`);
  return ms;
}

/** A positive integer up to 10^9. */
export function parseCount(name: string, value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) throw usageError(`--${name} must be a positive integer`);
  return Number(value);
}

/** A kid: 16 lowercase hex characters (SPEC §3). */
export function parseKid(value: string): string {
  if (!/^[0-9a-f]{16}$/.test(value)) {
    throw usageError(
      'KID must be 16 lowercase hexadecimal characters',
      'list the kids with: session-seal keys list',
    );
  }
  return value;
}

/** An environment variable name. */
export function parseEnvName(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(value)) {
    throw usageError('--key-env must be an environment variable name (letters, digits, _)');
  }
  return value;
}

/** `--url-policy standard|strict` (SPEC §8). */
export function parseUrlPolicy(value: string | undefined): { urlPolicy?: 'standard' | 'strict' } {
  if (value === undefined) return {};
  if (value !== 'standard' && value !== 'strict') throw usageError('--url-policy must be standard or strict');
  return { urlPolicy: value };
}
