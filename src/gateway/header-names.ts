// MIME-style canonical header names for `set` and `add` header filters (docs/gateway.md §2.9), the
// way Go's textproto canonicalises them, because Kuma writes names through that function.

/** HTTP token characters besides letters and digits (RFC 9110 tchar). */
const TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

/** True when the code unit is a valid HTTP token character. */
function isTokenChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c < 0x80 && TOKEN_SYMBOLS.includes(String.fromCharCode(c)))
  );
}

/**
 * `x-request-ID` becomes `X-Request-Id`: the first letter and every letter after `-` upper-case,
 * all other letters lower-case. A name with any non-token character (`:authority`, a space) is
 * returned as written.
 */
export function canonicalHeaderName(name: string): string {
  let out = '';
  let upper = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isTokenChar(c)) return name;
    let d = c;
    if (upper && c >= 0x61 && c <= 0x7a) d = c - 0x20;
    else if (!upper && c >= 0x41 && c <= 0x5a) d = c + 0x20;
    out += String.fromCharCode(d);
    upper = c === 0x2d;
  }
  return out;
}
