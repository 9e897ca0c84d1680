// Base64 as protojson reads `bytes` fields, so a Secret or an `inline` certificate that Kuma
// accepts is accepted here: standard or URL-safe alphabet (not mixed), with or without padding,
// line breaks ignored (Go's decoder skips CR and LF, and `base64` wraps its output at 76 columns).

const STANDARD = /^[A-Za-z0-9+/]*$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;

/** The bytes `text` encodes, or undefined when it is not base64 in any form protojson accepts. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  const unpadded = compact.length % 4 === 0 ? compact.replace(/={1,2}$/, '') : compact;
  // One leftover character cannot encode a byte; anything else left over is a partial group.
  if (unpadded.length % 4 === 1) return undefined;
  const urlSafe = /[-_]/.test(unpadded);
  if (!(urlSafe ? URL_SAFE : STANDARD).test(unpadded)) return undefined;
  return Buffer.from(unpadded, urlSafe ? 'base64url' : 'base64');
}

/** Decoded size of base64 text without decoding it, so oversized input is refused cheaply. */
export function decodedLength(text: string): number {
  const significant = text.replace(/[\r\n=]/g, '').length;
  return Math.floor((significant * 3) / 4);
}
