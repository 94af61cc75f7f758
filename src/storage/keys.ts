// Key-space helpers shared by every backend. Keys are ordered by Unicode code point, which is the
// byte order of their UTF-8 form: the order SQLite's BINARY collation and etcd both use, so every
// backend lists in the same order and continue tokens stay portable between them.

/**
 * The smallest key greater than every key that starts with `prefix`, or undefined when there is
 * none (empty prefix, or a prefix made only of U+10FFFF). `key >= prefix && key < end` is then
 * exactly "key starts with prefix", which lets SQL use an index range.
 */
export function prefixEnd(prefix: string): string | undefined {
  let rest = prefix;
  while (rest.length > 0) {
    const last = lastCodePoint(rest);
    rest = rest.slice(0, rest.length - (last > 0xffff ? 2 : 1));
    if (last === 0x10ffff) continue;
    // Skip the surrogate block: those code units are not characters on their own.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    return rest + String.fromCodePoint(next);
  }
  return undefined;
}

function lastCodePoint(s: string): number {
  const lo = s.charCodeAt(s.length - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && s.length > 1) {
    const hi = s.charCodeAt(s.length - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return s.codePointAt(s.length - 2) as number;
  }
  return lo;
}

/**
 * Compares keys by code point (UTF-8 byte order). JavaScript's `<` compares UTF-16 code units,
 * which disagrees only when a surrogate pair meets a character in U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The first key a list should return: the prefix itself, or the continue key when it is later. */
export function listStart(prefix: string, startKey: string | undefined): string {
  return startKey !== undefined && compareKeys(startKey, prefix) > 0 ? startKey : prefix;
}
