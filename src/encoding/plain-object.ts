/**
 * Shape checks for parsed JSON (SPEC §5.3, §8, §10.1): a plain object is what `JSON.parse`
 * produces — no class instance, array, or object with an unusual prototype — and the formats
 * require an exact set of own members, so nothing unauthenticated can ride along.
 */

/** A non-array object whose prototype is `Object.prototype` or `null`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True when `value`'s own enumerable members are exactly `keys` (in any order). */
export function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  if (own.length !== keys.length) return false;
  for (const k of keys) if (!Object.hasOwn(value, k)) return false;
  return true;
}
