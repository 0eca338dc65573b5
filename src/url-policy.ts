/**
 * The strict URL policy of SPEC §8 (opt-in, `urlPolicy: "strict"`): pure functions, no `node:`
 * modules, no DNS. They classify what the WHATWG URL parser produced, never the raw text: the parser
 * already turns `0x7f.1`, `2130706433` and `127.1` into `127.0.0.1`, maps `Ⓛocalhost` to
 * `localhost`, lowercases names and serialises `[::ffff:127.0.0.1]` as `[::ffff:7f00:1]`, so one
 * canonical form per address is all that has to be recognised here.
 *
 * This is a guard against obvious server-side request forgery targets in stored configuration, not
 * a network policy: a public name that resolves to a private address is not caught (that needs a
 * check at connect time).
 */

/** Issue codes the strict policy adds (SPEC §8). */
export type StrictUrlIssueCode = 'url_userinfo' | 'url_fragment' | 'url_forbidden_host';

/** SPEC §8: known cloud metadata host names (compared after lowercasing and trailing-dot removal). */
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata',
  'instance-data',
]);

// WHATWG serialises every IPv4 host as four decimal octets, so only this form needs parsing.
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** Four octets of a dotted-quad IPv4 address, or `null` when `text` is not one. */
export function parseIPv4(text: string): [number, number, number, number] | null {
  const m = DOTTED_QUAD.exec(text);
  if (m === null) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const c = Number(m[3]);
  const d = Number(m[4]);
  if (a > 255 || b > 255 || c > 255 || d > 255) return null;
  return [a, b, c, d];
}

/**
 * Eight 16-bit groups of an IPv6 address written without brackets (`::1`, `fe80::1`,
 * `::ffff:7f00:1`, also a trailing dotted IPv4 such as `::ffff:127.0.0.1`), or `null`.
 */
export function parseIPv6(text: string): number[] | null {
  const gap = text.indexOf('::');
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return null;
  const head = gap === -1 ? text : text.slice(0, gap);
  const tail = gap === -1 ? '' : text.slice(gap + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const last = gap === -1 ? headGroups : tailGroups;
  // A trailing dotted IPv4 stands for the last two groups.
  const lastGroup = last[last.length - 1];
  let v4: [number, number, number, number] | null = null;
  if (lastGroup?.includes('.')) {
    v4 = parseIPv4(lastGroup);
    if (v4 === null) return null;
    last.pop();
  }
  const headWords = hexGroups(headGroups);
  const tailWords = hexGroups(tailGroups);
  if (headWords === null || tailWords === null) return null;
  // Without `::` the tail is empty, so the IPv4 groups go last either way.
  if (v4 !== null) tailWords.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
  const explicit = headWords.length + tailWords.length;
  if (gap === -1 ? explicit !== 8 : explicit > 7) return null; // `::` is at least one zero group
  const words = headWords;
  while (words.length + tailWords.length < 8) words.push(0);
  return words.concat(tailWords);
}

function hexGroups(groups: readonly string[]): number[] | null {
  const out: number[] = [];
  for (const g of groups) {
    if (!HEX_GROUP.test(g)) return null;
    out.push(Number.parseInt(g, 16));
  }
  return out;
}

/**
 * SPEC §8: loopback 127/8, private 10/8, 172.16/12, 192.168/16, link-local 169.254/16 (including
 * the cloud metadata address 169.254.169.254), unspecified 0/8, carrier-grade NAT 100.64/10.
 */
export function isForbiddenIPv4(octets: readonly [number, number, number, number]): boolean {
  const [a, b] = octets;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && (b & 0xc0) === 64) ||
    (a === 169 && b === 254) ||
    (a === 172 && (b & 0xf0) === 16) ||
    (a === 192 && b === 168)
  );
}

/**
 * SPEC §8: `::` (unspecified), `::1` (loopback), `fe80::/10` (link-local), `fc00::/7` (unique
 * local), and IPv4-mapped addresses `::ffff:a.b.c.d` whose IPv4 part is forbidden.
 */
export function isForbiddenIPv6(words: readonly number[]): boolean {
  const w0 = words[0] ?? 0;
  if ((w0 & 0xffc0) === 0xfe80 || (w0 & 0xfe00) === 0xfc00) return true;
  for (let i = 0; i < 5; i++) if (words[i] !== 0) return false;
  const w5 = words[5] ?? 0;
  const w6 = words[6] ?? 0;
  const w7 = words[7] ?? 0;
  if (w5 === 0xffff) return isForbiddenIPv4([w6 >> 8, w6 & 0xff, w7 >> 8, w7 & 0xff]);
  // ::/128 and ::1/128.
  return w5 === 0 && w6 === 0 && (w7 === 0 || w7 === 1);
}

/**
 * True when a WHATWG `URL#hostname` names a host the strict policy forbids (SPEC §8). Expects the
 * parser's canonical form: lowercase, IPv4 as a dotted quad, IPv6 in brackets.
 */
export function isForbiddenHost(hostname: string): boolean {
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const words = parseIPv6(hostname.slice(1, -1));
    // An unparseable bracketed host cannot come from the URL parser; refuse rather than guess.
    return words === null || isForbiddenIPv6(words);
  }
  const octets = parseIPv4(hostname);
  if (octets !== null) return isForbiddenIPv4(octets);
  // `localhost.` is `localhost`: a trailing dot only marks the name as fully qualified. A loop, not
  // a regex, so a long run of dots costs linear time.
  let name = hostname;
  while (name.endsWith('.')) name = name.slice(0, -1);
  return name === 'localhost' || name.endsWith('.localhost') || METADATA_HOSTS.has(name);
}

/** Every strict-policy violation of a parsed `http:`/`https:` URL, in a fixed order. */
export function strictUrlViolations(url: URL): StrictUrlIssueCode[] {
  const found: StrictUrlIssueCode[] = [];
  if (url.username !== '' || url.password !== '') found.push('url_userinfo');
  // `https://host/#` has an empty `hash` but still a fragment; after parsing, `#` appears in `href`
  // only as the fragment delimiter (elsewhere it is percent-encoded).
  if (url.href.includes('#')) found.push('url_fragment');
  if (isForbiddenHost(url.hostname)) found.push('url_forbidden_host');
  return found;
}
