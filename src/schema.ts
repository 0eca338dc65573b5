/**
 * The session record schema (SPEC §8): what a `SessionState` must look like before it is sealed
 * (§5.6 step 1) and after it is unsealed (§7 step 6).
 *
 * Design notes:
 * - Every issue is `{path, code}` with a stable code from SPEC §8. Built-in zod issues get their
 *   code from a schema-level error map; our own checks push `custom` issues carrying
 *   `params.code`. No issue, message or error ever holds the input value (SECURITY.md §Secrets):
 *   custom issues are pushed with `input: undefined`, and the mapped issues keep path and code only.
 * - Schemas are built once at module load; a validation is one `safeParse` (this runs on every
 *   unseal).
 * - `__proto__` inside `context` is rejected (`forbidden_key`) by code that sees the raw input:
 *   zod's object and record parsers silently drop an own `__proto__` key, so a check on their output
 *   would never see it. Nothing in this module ever assigns to a `__proto__` member, so validation
 *   cannot change an object's prototype.
 * - Context values that are JSON (`context.metadata`, unknown members) are deep-copied while they
 *   are checked, so the result shares no mutable object with the input. The one exception is a
 *   context this library has just parsed from an unsealed plaintext (`checkOpenedSessionState`):
 *   that input is held by nobody else, so its JSON values are checked in place, not copied.
 */
import * as z from 'zod';
import { isPlainObject } from './encoding/plain-object.js';
import { isWellFormed, utf8Length } from './encoding/utf8.js';
import { SessionInvalidError, type ValidationIssue } from './errors.js';
import { strictUrlViolations } from './url-policy.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** Which URL rules apply to `context.n8nApiUrl` (SPEC §8). `strict` is opt-in. */
export type UrlPolicy = 'standard' | 'strict';

export interface ValidateOptions {
  /** Default `standard`. `strict` also rejects private/loopback/metadata hosts, userinfo, fragments. */
  readonly urlPolicy?: UrlPolicy | undefined;
}

/** Clear timestamps, ISO 8601 as `Date#toISOString()` writes them. */
export interface SessionMetadata {
  createdAt: string;
  lastAccess: string;
}

/** The encrypted part (n8n-mcp `InstanceContext`). Unknown members are kept (SPEC §8). */
export interface SessionContext {
  n8nApiUrl: string;
  n8nApiKey: string;
  instanceId?: string;
  sessionId?: string;
  metadata?: Record<string, unknown>;
  n8nApiTimeout?: number;
  n8nApiMaxRetries?: number;
  n8nMcpAccessToken?: string;
  uiAppsEnabled?: boolean;
  [key: string]: unknown;
}

/** n8n-mcp `SessionState` (src/types/session-state.ts). */
export interface SessionState {
  sessionId: string;
  metadata: SessionMetadata;
  context: SessionContext;
}

/**
 * Every issue code this schema reports (SPEC §8). `too_large` (§5.6 step 2) and the §7 step 5
 * `not_json` for an undecodable plaintext are raised by the sealing/unsealing code, not here.
 */
export const SCHEMA_ISSUE_CODES = [
  'type',
  'required',
  'unknown_key',
  'too_short',
  'too_long',
  'control_char',
  'not_well_formed',
  'datetime',
  'url',
  'url_protocol',
  'placeholder',
  'not_json',
  'too_small',
  'forbidden_key',
  'url_forbidden_host',
  'url_userinfo',
  'url_fragment',
] as const;

export type SchemaIssueCode = (typeof SCHEMA_ISSUE_CODES)[number];

/** Limits of SPEC §6 and §8, in UTF-8 bytes unless noted. */
export const SCHEMA_LIMITS = {
  sessionIdBytes: 256,
  apiUrlBytes: 2048,
  apiKeyBytes: 8192,
  instanceIdBytes: 256,
  contextSessionIdBytes: 256,
  accessTokenBytes: 8192,
  /** Nesting of arrays/objects inside one JSON value; deeper is `not_json` (bounds recursion). */
  jsonDepth: 64,
} as const;

// ---------------------------------------------------------------------------------------------
// Issue plumbing

type RawIssue = z.core.$ZodRawIssue;
type Path = (string | number)[];

const KNOWN_CODES: ReadonlySet<string> = new Set(SCHEMA_ISSUE_CODES);

/** Records one of our issues. `input: undefined` so not even zod's raw issue holds the value. */
function fail(issues: RawIssue[], code: SchemaIssueCode, path: Path = []): void {
  issues.push({ code: 'custom', message: code, params: { code }, path, input: undefined, continue: true });
}

/**
 * Error map for a member's own schema: zod runs a missing member's schema on `undefined`, so an
 * `invalid_type` issue with input `undefined` is a missing (or `undefined`, i.e. absent) member.
 */
function memberCode(issue: RawIssue): SchemaIssueCode {
  if (issue.code === 'unrecognized_keys') return 'unknown_key';
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  return 'type';
}

/** Error map for the record itself: anything that is not an object is `type`, never `required`. */
function rootCode(issue: RawIssue): SchemaIssueCode {
  return issue.code === 'unrecognized_keys' ? 'unknown_key' : 'type';
}

const MEMBER = { error: memberCode };
const ROOT = { error: rootCode };

/** Zod's issues → `{path, code}`. One `unknown_key` issue per extra member, at that member's path. */
function toValidationIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...path, key], code: 'unknown_key' });
      continue;
    }
    const param: unknown = issue.code === 'custom' ? issue.params?.code : undefined;
    const code = typeof param === 'string' ? param : issue.message;
    // A message that is not one of our codes would come from outside this module (it cannot carry
    // input either way, but the public contract is a stable code).
    out.push({ path, code: KNOWN_CODES.has(code) ? code : 'type' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Strings (SPEC §8; lengths in UTF-8 bytes)

function isControl(c: number): boolean {
  return c <= 0x1f || (c >= 0x7f && c <= 0x9f);
}

function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/**
 * `too_long` when over `max` bytes. Every UTF-16 unit encodes to 1–3 bytes (a surrogate pair, two
 * units, to 4), so the byte count lies in [length, 3 × length]: a string of more than `max` units is
 * too long without a scan (hostile megabyte strings cost nothing), and one of at most `max / 3`
 * units fits without a scan (the common case on the unseal path). Returns false when too long, so
 * callers skip their content checks (bounded work on hostile input).
 */
function withinBytes(text: string, max: number, issues: RawIssue[]): boolean {
  const n = text.length;
  if (n > max || (n * 3 > max && utf8Length(text) > max)) {
    fail(issues, 'too_long');
    return false;
  }
  return true;
}

/** SPEC §8 `sessionId`: 1–256 bytes, well-formed, no C0/C1 control characters. */
const SESSION_ID = z.string(MEMBER).check((payload) => {
  const text = payload.value;
  if (text.length === 0) return fail(payload.issues, 'too_short');
  if (!withinBytes(text, SCHEMA_LIMITS.sessionIdBytes, payload.issues)) return;
  if (!isWellFormed(text)) fail(payload.issues, 'not_well_formed');
  if (hasControlChar(text)) fail(payload.issues, 'control_char');
});

/**
 * An optional member: absent is fine, present must match `schema` (SPEC §8: present as `undefined`
 * is not absent). `.exactOptional()` is that rule, and every public schema uses it. For an unsealed
 * context (`parsed`: fresh `JSON.parse` output, `PARSED` below) `.optional()` gives the same result,
 * typed as the exact rule: the two differ only on a member present with the value `undefined`, and
 * `JSON.parse` makes plain data members, never `undefined`. What differs is the cost:
 * `.exactOptional()` runs the inner schema on every absent member and discards the issue it raises,
 * a sixth of a validation for the optional members a typical context lacks. Not for a caller's
 * object: a getter or a Proxy can show `prepareContext` one value and zod `undefined`.
 */
function optionalMember<T extends z.ZodType>(schema: T, parsed: boolean): z.ZodExactOptional<T> {
  return parsed ? (schema.optional() as unknown as z.ZodExactOptional<T>) : schema.exactOptional();
}

function text(max: number) {
  return z.string(MEMBER).check((payload) => {
    withinBytes(payload.value, max, payload.issues);
  });
}

// SPEC §8 `n8nApiKey`: the substrings n8n-mcp's own examples and .env templates use. The `i` flag
// without `u` folds ASCII letters only; a literal alternation cannot backtrack.
const PLACEHOLDER = /your_api_key|placeholder|example/i;

const API_KEY = z.string(MEMBER).check((payload) => {
  const text = payload.value;
  if (text.length === 0) return fail(payload.issues, 'too_short');
  if (!withinBytes(text, SCHEMA_LIMITS.apiKeyBytes, payload.issues)) return;
  if (PLACEHOLDER.test(text)) fail(payload.issues, 'placeholder');
});

// ---------------------------------------------------------------------------------------------
// Timestamps (SPEC §8): `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`, a real calendar date.
// `Date#toISOString()` writes years outside 0000–9999 as ±YYYYYY, so those are accepted too.
// No nested quantifiers, so the regex runs in linear time; the length guard bounds it anyway.

const ISO_DATETIME =
  /^(\d{4}|[+-]\d{6})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;
const MAX_DATETIME_LENGTH = 64;
/** ECMAScript §21.4.1.1: the range of a time value. */
const MAX_TIME_VALUE_MS = 8.64e15;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Digit value of the UTF-16 unit at `i`, or -1. */
function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/*
 * The fields of the last string `readIsoString` accepted (module scratch: JS runs one call at a
 * time, and the readers below use them before anything else can run).
 */
let isoYear = 0;
let isoMonth = 0;
let isoDay = 0;
let isoMs = 0; // milliseconds into the day

/**
 * The exact shape `Date#toISOString()` writes for years 0000–9999, `YYYY-MM-DDTHH:MM:SS.sssZ`
 * (every timestamp n8n-mcp exports), read without the regex: `true` when it is a real date and
 * time (its fields are then in the scratch above), `false` when it has the shape but is not (a
 * 31st of April, hour 24), `undefined` for any other shape. Allocation-free: it runs three times
 * per unsealed record.
 */
function readIsoString(text: string): boolean | undefined {
  if (text.length !== 24) return undefined;
  // - - T : : . Z at 4 7 10 13 16 19 23
  if (
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 ||
    text.charCodeAt(23) !== 90
  )
    return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  if ((year | month | day | hour | minute | second | ms) < 0) return undefined;
  if (month < 1 || month > 12 || day < 1) return false;
  const maxDay = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > maxDay || hour > 23 || minute > 59 || second > 59) return false;
  isoYear = year;
  isoMonth = month;
  isoDay = day;
  isoMs = ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  return true;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`, exact integer
 * arithmetic). Years start in March, so January and February of year 0 fall in year -1 and era -1:
 * `Math.floor` (not truncation) makes that exact.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146_097 + doe - 719_468;
}

/**
 * `Date.parse(text)`, faster for the `toISOString()` shape: the same value (ECMAScript §21.4.1.32
 * reads that format as UTC; the arithmetic is exact). The bundle restore runs it on every entry's
 * authenticated `lastAccess` (SPEC §10.4 expiry). Any other text goes to `Date.parse` itself.
 */
export function timeValue(text: string): number {
  return readIsoString(text) === true
    ? daysFromCivil(isoYear, isoMonth, isoDay) * 86_400_000 + isoMs
    : Date.parse(text);
}

/** The decimal value of text[at..at+width), or -1 if any of those units is not an ASCII digit. */
function digits(text: string, at: number, width: number): number {
  let n = 0;
  for (let i = at; i < at + width; i++) {
    const d = digit(text, i);
    if (d < 0) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** True for an ISO 8601 date-time as SPEC §8 defines it. Exported for tests and tooling. */
export function isIsoDateTime(text: string): boolean {
  if (text.length > MAX_DATETIME_LENGTH) return false;
  const fast = readIsoString(text);
  if (fast !== undefined) return fast;
  const m = ISO_DATETIME.exec(text);
  if (m === null) return false;
  const yearText = m[1] ?? '';
  // ECMAScript forbids "-000000" (year zero is written 0000).
  if (yearText === '-000000') return false;
  const year = Number(yearText);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const maxDay = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > maxDay) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  // Zone groups are absent for `Z`.
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  // Must be a representable instant (ECMAScript time value, |t| ≤ 8.64e15 ms, about ±275,760 years):
  // beyond it `Date.parse` gives NaN, and a NaN lastAccess would never expire (SPEC §8, §10.4).
  const sign = text.endsWith('Z') ? 0 : text.at(-6) === '-' ? -1 : 1;
  const offsetMs = sign * (Number(m[7] ?? 0) * 60 + Number(m[8] ?? 0)) * 60_000;
  const t = Date.UTC(year, month - 1, day, Number(m[4]), Number(m[5]), Number(m[6])) - offsetMs;
  return Number.isFinite(t) && Math.abs(t) <= MAX_TIME_VALUE_MS;
}

const DATETIME = z.string(MEMBER).check((payload) => {
  if (!isIsoDateTime(payload.value)) fail(payload.issues, 'datetime');
});

// ---------------------------------------------------------------------------------------------
// URL (SPEC §8 `context.n8nApiUrl`)

/** `URL.canParse` where the runtime has it (every Node this package supports, Deno, Bun, browsers). */
const canParse: ((text: string) => boolean) | undefined =
  typeof URL.canParse === 'function' ? (text) => URL.canParse(text) : undefined;

/**
 * Text of this form parses as a WHATWG URL with scheme http or https, by the URL Standard's basic URL
 * parser (https://url.spec.whatwg.org/#concept-basic-url-parser), step by step:
 * - printable ASCII only (`\x21`–`\x7e`): nothing is stripped or removed before parsing;
 * - `http://` or `https://`, then the authority: no `@`, so no credentials;
 * - host labels of `a–z 0–9 -`, none empty and none starting with `xn--`: domain to ASCII (UTS #46
 *   with CheckHyphens false, as the standard calls it) leaves them unchanged and valid, and none of
 *   their characters is a forbidden domain code point;
 * - the last label starts with a letter, so the host does not "end in a number" (no IPv4 parse,
 *   whose failure would fail the URL): a label that starts with a letter is not an IPv4 number;
 * - a port of at most 4 digits (≤ 9999, below the 65535 limit), or none;
 * - then the end, or `/`, `?` or `#` and anything printable: the path, query and fragment states
 *   never fail.
 * It runs on every unseal, in place of an ASCII scan and `URL.canParse`: measured inside a
 * validation, the URL check went from about 0.4 to 0.1 µs a record. No nested quantifier can backtrack
 * more than linearly (labels are delimited by the dot they must end with), and the text is at most
 * 2048 bytes here. Anything else is decided below. test/schema.test.ts checks this against
 * `new URL` on generated hosts near each of these edges.
 */
const CERTAINLY_VALID_URL =
  /^https?:\/\/(?:(?!xn--)[a-z0-9][a-z0-9-]*\.)*(?!xn--)[a-z][a-z0-9-]*(?::[0-9]{0,4})?(?:[/?#][\x21-\x7e]*)?$/;

/** @internal `CERTAINLY_VALID_URL`, for tests. */
export function isCertainlyValidUrl(text: string): boolean {
  return CERTAINLY_VALID_URL.test(text);
}

/**
 * The standard-policy verdict without building a URL object, when it is certain: ASCII text that
 * starts with exactly `http://` or `https://` has that scheme after parsing (before parsing, the
 * WHATWG URL parser only strips leading and trailing C0 controls and spaces and removes tabs and
 * newlines, and the prefix has none of them), and `URL.canParse` runs the same parser as
 * `new URL`. `undefined`: decide the general way.
 *
 * ASCII only, because on Node 20.20 `URL.canParse` turns wrong for non-ASCII text once V8 optimizes
 * the call (measured here: `URL.canParse('https://é')` is true, then false after about 4,500 calls,
 * while `new URL` keeps parsing it); on ASCII the two agreed on 1,000,000 random URL-like strings.
 * test/schema.test.ts compares this verdict with `new URL` on generated text either way.
 */
function standardUrlVerdict(text: string): boolean | undefined {
  if (CERTAINLY_VALID_URL.test(text)) return true;
  if (canParse === undefined || !(text.startsWith('https://') || text.startsWith('http://')))
    return undefined;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return undefined;
  return canParse(text);
}

function apiUrl(policy: UrlPolicy) {
  return z.string(MEMBER).check((payload) => {
    const text = payload.value;
    if (!withinBytes(text, SCHEMA_LIMITS.apiUrlBytes, payload.issues)) return;
    if (policy === 'standard') {
      // Runs on every unseal: `new URL` costs twice `URL.canParse`, and its object is garbage here.
      const verdict = standardUrlVerdict(text);
      if (verdict === true) return;
      if (verdict === false) return fail(payload.issues, 'url');
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail(payload.issues, 'url');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(payload.issues, 'url_protocol');
    if (policy === 'strict') for (const code of strictUrlViolations(url)) fail(payload.issues, code);
  });
}

// ---------------------------------------------------------------------------------------------
// Numbers (SPEC §8). `z.number()` already refuses NaN and ±Infinity (`type`).

const TIMEOUT = z.number(MEMBER).check((payload) => {
  if (!(payload.value > 0)) fail(payload.issues, 'too_small');
});

const MAX_RETRIES = z.number(MEMBER).check((payload) => {
  if (!(payload.value >= 0)) fail(payload.issues, 'too_small');
});

// ---------------------------------------------------------------------------------------------
// JSON values (SPEC §8 `context.metadata` and unknown context members)

/**
 * The outcome of a walk. On a fault, `path` leads to the offending member: it is built while the
 * walk unwinds (each level puts its key in front), so a walk that succeeds never touches it.
 */
interface JsonWalk {
  readonly path: Path;
  fault: 'not_json' | 'forbidden_key' | undefined;
  /**
   * `true`: return a deep copy. `false`: check only and return the value itself — for a value
   * straight from this library's own `JSON.parse` of an unsealed context (SPEC §7 step 6), which
   * nobody else holds, so a copy would only cost time: every array and object in it is new, plain,
   * dense and has no `undefined` member, so the copy would be equal in every member.
   */
  readonly copy: boolean;
}

/**
 * Checks that `value` is a JSON value and returns a deep copy (or, see `JsonWalk.copy`, the value
 * itself). The first fault stops the walk (one issue per value, so a hostile value cannot produce
 * millions of issues). Depth is bounded by `SCHEMA_LIMITS.jsonDepth`, so deep nesting or a cycle
 * is `not_json`, not a stack overflow.
 */
function copyJson(value: unknown, depth: number, walk: JsonWalk): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      break;
    case 'object':
      if (value === null) return null;
      if (depth >= SCHEMA_LIMITS.jsonDepth) break;
      if (Array.isArray(value)) return copyJsonArray(value, depth, walk);
      if (isPlainObject(value)) return copyJsonObject(value, depth, walk);
      break;
  }
  // undefined, bigint, symbol, function, NaN, ±Infinity, Date, Map, class instances, too deep.
  walk.fault = 'not_json';
  return undefined;
}

function copyJsonArray(array: unknown[], depth: number, walk: JsonWalk): unknown[] | undefined {
  const out: unknown[] | undefined = walk.copy ? [] : undefined;
  for (let i = 0; i < array.length; i++) {
    // A hole or `undefined` would become `null` in JSON, changing the value: not_json.
    const item = copyJson(array[i], depth + 1, walk);
    if (walk.fault !== undefined) {
      walk.path.unshift(i);
      return undefined;
    }
    out?.push(item);
  }
  return out ?? array;
}

function copyJsonObject(
  object: Record<string, unknown>,
  depth: number,
  walk: JsonWalk,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> | undefined = walk.copy ? {} : undefined;
  // `for…in` walks the same own keys in the same order as `Object.keys` without allocating their
  // array (a 64 KiB context is ~800 small objects); inherited enumerable keys are skipped.
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    // SPEC §8 forbidden_key; also the one key whose assignment below would set `out`'s prototype.
    if (key === '__proto__') walk.fault = 'forbidden_key';
    const member = object[key];
    // JSON drops an `undefined` member; SPEC §8 treats it as absent.
    const copy =
      walk.fault === undefined && member !== undefined ? copyJson(member, depth + 1, walk) : undefined;
    if (walk.fault !== undefined) {
      walk.path.unshift(key);
      return undefined;
    }
    if (out !== undefined && member !== undefined) out[key] = copy;
  }
  return out ?? object;
}

/** Any JSON value, deep-copied unless `copy` is false (unknown context members). */
function jsonValue(copy: boolean) {
  return z.transform((value: unknown, ctx) => {
    const walk: JsonWalk = { path: [], fault: undefined, copy };
    const out = copyJson(value, 0, walk);
    if (walk.fault !== undefined) fail(ctx.issues, walk.fault, walk.path);
    return out;
  });
}

/** A JSON object, deep-copied unless `copy` is false (`context.metadata`). */
function jsonObject(copy: boolean) {
  return z.transform((value: unknown, ctx): Record<string, unknown> => {
    if (!isPlainObject(value)) {
      fail(ctx.issues, 'type');
      return {};
    }
    const walk: JsonWalk = { path: [], fault: undefined, copy };
    const out = copyJsonObject(value, 0, walk);
    if (walk.fault !== undefined || out === undefined) {
      fail(ctx.issues, walk.fault ?? 'not_json', walk.path);
      return {};
    }
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Context and record

/**
 * Runs on the raw `context` before zod's object parser (which would drop an own `__proto__`
 * silently): `required` / `type` / `forbidden_key`, and, when a member is `undefined`, a shallow copy
 * without it, so optional fields set to `undefined` are absent in the output (SPEC §8). Any issue here stops
 * the context's member checks (zod does not run a pipe past a failed stage).
 */
function prepareContext(raw: unknown, ctx: z.core.$RefinementCtx): unknown {
  if (raw === undefined) {
    fail(ctx.issues, 'required');
    return raw;
  }
  // Plain objects only: a class instance or a Map is not a JSON object, and zod's `for…in` would
  // otherwise read inherited enumerable members.
  if (!isPlainObject(raw)) {
    fail(ctx.issues, 'type');
    return raw;
  }
  const keys = Object.keys(raw);
  // Copy only when there is something to drop. A context from JSON.parse (every unseal) never has
  // an `undefined` member, and zod's object parser builds a new output object either way. A
  // non-enumerable own member is dropped too: zod reads members by name, and only enumerable ones
  // count as members (SPEC §8, as JSON.stringify sees them). Symbol keys zod never reads.
  let drop = Object.getOwnPropertyNames(raw).length !== keys.length;
  for (const key of keys) {
    if (key === '__proto__') {
      fail(ctx.issues, 'forbidden_key', [key]);
      drop = true;
    } else if (raw[key] === undefined) drop = true;
  }
  if (!drop) return raw;
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const member = raw[key];
    if (key !== '__proto__' && member !== undefined) copy[key] = member;
  }
  return copy;
}

/**
 * The context's members, without `prepareContext` in front. `parsed`: the context is fresh output
 * of this library's own `JSON.parse` of an unsealed plaintext, held by nobody else, so its JSON
 * values are checked in place (`JsonWalk.copy`) and optional members take the cheaper wrapper
 * (`optionalMember`); otherwise (every public schema) JSON values are deep-copied.
 */
function contextMembers(policy: UrlPolicy, parsed: boolean): z.ZodType<SessionContext, unknown> {
  const optional = <T extends z.ZodType>(schema: T) => optionalMember(schema, parsed);
  return (
    z
      .object(
        {
          n8nApiUrl: apiUrl(policy),
          n8nApiKey: API_KEY,
          instanceId: optional(text(SCHEMA_LIMITS.instanceIdBytes)),
          sessionId: optional(text(SCHEMA_LIMITS.contextSessionIdBytes)),
          metadata: optional(jsonObject(!parsed)),
          n8nApiTimeout: optional(TIMEOUT),
          n8nApiMaxRetries: optional(MAX_RETRIES),
          n8nMcpAccessToken: optional(text(SCHEMA_LIMITS.accessTokenBytes)),
          uiAppsEnabled: optional(z.boolean(MEMBER)),
        },
        MEMBER,
      )
      // Unknown members are kept (a newer n8n-mcp may persist fields this build does not know).
      .catchall(jsonValue(!parsed))
  );
}

function contextSchema(policy: UrlPolicy): z.ZodType<SessionContext, unknown> {
  return z.preprocess(prepareContext, contextMembers(policy, false));
}

const METADATA = z.strictObject({ createdAt: DATETIME, lastAccess: DATETIME }, MEMBER);

function recordSchema(context: z.ZodType<SessionContext, unknown>): z.ZodType<SessionState, unknown> {
  return z.strictObject({ sessionId: SESSION_ID, metadata: METADATA, context }, ROOT);
}

/** The context (encrypted part) under the standard URL policy. */
export const SessionContextSchema: z.ZodType<SessionContext, unknown> = contextSchema('standard');
/** The context under the strict URL policy. */
export const StrictSessionContextSchema: z.ZodType<SessionContext, unknown> = contextSchema('strict');
/** A whole `SessionState`, standard URL policy (SPEC §8). */
export const SessionStateSchema: z.ZodType<SessionState, unknown> = recordSchema(SessionContextSchema);
/** A whole `SessionState`, strict URL policy (SPEC §8 "Strict URL policy"). */
export const StrictSessionStateSchema: z.ZodType<SessionState, unknown> =
  recordSchema(StrictSessionContextSchema);

// ---------------------------------------------------------------------------------------------
// Entry points

/*
 * The same record schemas without `prepareContext`, for a record whose context is fresh
 * `JSON.parse` output with no own `__proto__` member (an unsealed record, SPEC §7 step 6). On such
 * a context `prepareContext` finds nothing to report or drop — a plain object, every member
 * enumerable, none `undefined` — and returns it unchanged, so the pipe in front of the members
 * changes nothing but the time taken (a fifth of a validation). Its JSON values are checked without
 * a copy (`JsonWalk.copy`): nobody else holds them, and the copy was a sixth of a validation; its
 * absent optional members cost nothing (`optionalMember`), another sixth.
 */
const PARSED: Readonly<Record<UrlPolicy, z.ZodType<SessionState, unknown>>> = {
  standard: recordSchema(contextMembers('standard', true)),
  strict: recordSchema(contextMembers('strict', true)),
};

/** Programmer errors in options are TypeError / RangeError, never a data error (errors.ts). */
function policyOf(options: ValidateOptions | undefined): UrlPolicy {
  if (options === undefined) return 'standard';
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const policy: unknown = options.urlPolicy;
  if (policy === undefined || policy === 'standard') return 'standard';
  if (policy === 'strict') return 'strict';
  if (typeof policy !== 'string') throw new TypeError('options.urlPolicy must be a string');
  throw new RangeError('options.urlPolicy must be "standard" or "strict"');
}

function schemaFor(options: ValidateOptions | undefined): z.ZodType<SessionState, unknown> {
  return policyOf(options) === 'strict' ? StrictSessionStateSchema : SessionStateSchema;
}

export type CheckResult = { ok: true; value: SessionState } | { ok: false; issues: ValidationIssue[] };

/**
 * Validates a record against SPEC §8 without throwing (bundles report per entry). On success
 * `value` is a fresh object: JSON values are deep-copied, unknown context members kept, `undefined`
 * optional members omitted.
 */
export function checkSessionState(value: unknown, options?: ValidateOptions): CheckResult {
  const result = schemaFor(options).safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: toValidationIssues(result.error.issues) };
}

/** A record as unsealing builds it: the clear fields, and the context `JSON.parse` returned. */
export interface OpenedRecord {
  readonly sessionId: string;
  readonly metadata: { readonly createdAt: string; readonly lastAccess: string };
  readonly context: Record<string, unknown>;
}

/**
 * @internal `checkSessionState` for an unsealed record (SPEC §7 step 6): the same result, without
 * the context pre-pass when the context is `JSON.parse` output that cannot need it.
 */
export function checkOpenedSessionState(record: OpenedRecord, options?: ValidateOptions): CheckResult {
  const schema = Object.hasOwn(record.context, '__proto__') ? schemaFor(options) : PARSED[policyOf(options)];
  const result = schema.safeParse(record);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: toValidationIssues(result.error.issues) };
}

/** Validates a record against SPEC §8; throws `SessionInvalidError` with `{path, code}` issues. */
export function validateSessionState(value: unknown, options?: ValidateOptions): SessionState {
  const result = checkSessionState(value, options);
  if (result.ok) return result.value;
  throw new SessionInvalidError(result.issues);
}
