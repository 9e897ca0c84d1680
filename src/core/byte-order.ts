// Orderings in docs/gateway.md are defined on bytes (Go strings). JavaScript compares UTF-16 code
// units, which differs from UTF-8 byte order only when a surrogate pair meets a code unit in
// U+E000..U+FFFF; these helpers compare by code point, which is exactly UTF-8 byte order.

/** Negative, zero or positive as `a` sorts before, with or after `b` in UTF-8 byte order. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return byteRank(ca) - byteRank(cb);
  }
  return a.length - b.length;
}

/** Surrogates start code points above U+FFFF, so they must rank after every other code unit. */
function byteRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}

/** Length of a string in UTF-8 bytes (Go's `len`), without allocating a buffer. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Any code unit outside ASCII. */
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * Sorts `items` in place, stably, by the UTF-8 byte order of `key(item)`, and returns them. When
 * every key is ASCII (resource names always are in practice), code unit order is byte order and
 * the engine's own string comparison is used: several times faster than compareBytes on long
 * lists whose keys share long prefixes, such as 10,000 route names.
 */
export function sortByBytes<T>(items: T[], key: (item: T) => string): T[] {
  if (items.some((item) => NON_ASCII.test(key(item)))) return items.sort((a, b) => compareBytes(key(a), key(b)));
  return items.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
