// Protobuf wire-format primitives writing into one growable Buffer. Encoding is synchronous and
// never re-entered, so the whole process shares one output buffer: an encode starts at offset 0
// (startOutput) and ends with an exact-size copy (takeOutput), and no allocation happens per
// field. A length-delimited value reserves one byte for its length, is written in place, and is
// moved up by memmove when its length needs more than one byte (finishLength): most nested
// messages and strings are shorter than 128 bytes, and the few big ones move once per level.

/** Bytes of output buffer kept between encodes; a larger one (after a huge resource) is dropped. */
const KEEP_BYTES = 16 * 1024 * 1024;
const INITIAL_BYTES = 64 * 1024;
const TWO_32 = 4294967296;
const TWO_63 = 2n ** 63n;
const TWO_64 = 2n ** 64n;
/** Strings up to this many UTF-16 units have at most 127 UTF-8 bytes (3 per unit): a 1-byte length. */
const SHORT_STRING_UNITS = 42;

interface Utf8Writable {
  utf8Write(value: string, offset: number): number;
}

let buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
let pos = 0;
const scratch = new DataView(new ArrayBuffer(8));

/** Start a new output at offset 0 (any unfinished output, e.g. after a throw, is discarded). */
export function startOutput(): void {
  pos = 0;
}

/** A copy of everything written since startOutput, as a Buffer of exactly that length. */
export function takeOutput(): Buffer {
  const out = Buffer.allocUnsafe(pos);
  buf.copy(out, 0, 0, pos);
  if (buf.length > KEEP_BYTES) buf = Buffer.allocUnsafe(INITIAL_BYTES);
  pos = 0;
  return out;
}

/**
 * Everything written since startOutput, not copied: a view of the shared buffer, overwritten by
 * the next encode. Only for a consumer that copies the bytes before it returns (grpc-js's
 * serializer copies them into its framed message at once); it saves an allocation and a copy of
 * the whole output, which for a 116 KB response pushed to 1,000 streams is 116 MB of short-lived
 * buffers for the garbage collector.
 */
export function borrowOutput(): Buffer {
  const out = buf.subarray(0, pos);
  // The view keeps an oversized buffer alive only as long as its consumer holds the view.
  if (buf.length > KEEP_BYTES) buf = Buffer.allocUnsafe(INITIAL_BYTES);
  pos = 0;
  return out;
}

function grow(bytes: number): void {
  const next = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + bytes));
  buf.copy(next, 0, 0, pos);
  buf = next;
}

/** Make room for `bytes` more bytes. */
function ensure(bytes: number): void {
  if (pos + bytes > buf.length) grow(bytes);
}

/** An unsigned varint of 0 <= value < 2^32. */
export function writeVarint32(value: number): void {
  ensure(5);
  while (value > 127) {
    buf[pos++] = (value & 127) | 128;
    value >>>= 7;
  }
  buf[pos++] = value;
}

/** A varint of the 64-bit value hi:lo (both unsigned 32-bit halves). */
export function writeVarint64(lo: number, hi: number): void {
  ensure(10);
  while (hi !== 0) {
    buf[pos++] = (lo & 127) | 128;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 127) {
    buf[pos++] = (lo & 127) | 128;
    lo >>>= 7;
  }
  buf[pos++] = lo;
}

/** An int32 as a varint: negative values sign-extend to 64 bits (10 bytes), as protobuf requires. */
export function writeInt32(value: number): void {
  if (value >= 0) writeVarint32(value);
  else writeVarint64(value >>> 0, 0xffffffff);
}

/** A zigzag varint (sint32). */
export function writeSint32(value: number): void {
  writeVarint32(((value << 1) ^ (value >> 31)) >>> 0);
}

/** 4 bytes little-endian of an unsigned or signed 32-bit value. */
export function writeFixed32(value: number): void {
  ensure(4);
  buf[pos++] = value & 255;
  buf[pos++] = (value >>> 8) & 255;
  buf[pos++] = (value >>> 16) & 255;
  buf[pos++] = value >>> 24;
}

/** 8 bytes little-endian of hi:lo. */
export function writeFixed64(lo: number, hi: number): void {
  writeFixed32(lo);
  writeFixed32(hi);
}

/** An IEEE 754 double, little-endian. */
export function writeDouble(value: number): void {
  scratch.setFloat64(0, value, true);
  ensure(8);
  for (let i = 0; i < 8; i++) buf[pos++] = scratch.getUint8(i);
}

/** An IEEE 754 single (the double rounded to float32), little-endian. */
export function writeFloat(value: number): void {
  scratch.setFloat32(0, value, true);
  ensure(4);
  for (let i = 0; i < 4; i++) buf[pos++] = scratch.getUint8(i);
}

/** One byte, 0 or 1. */
export function writeBool(value: boolean): void {
  ensure(1);
  buf[pos++] = value ? 1 : 0;
}

/** A length-prefixed UTF-8 string. Unpaired surrogates are written as U+FFFD (EF BF BD). */
export function writeString(value: string): void {
  const units = value.length;
  if (units <= SHORT_STRING_UNITS) {
    ensure(1 + 3 * units);
    const start = pos + 1;
    let end = start;
    for (let i = 0; i < units; i++) {
      const c = value.charCodeAt(i);
      if (c >= 128) {
        end = start + (buf as unknown as Utf8Writable).utf8Write(value, start);
        break;
      }
      buf[end++] = c;
    }
    buf[pos] = end - start;
    pos = end;
    return;
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  writeVarint32(bytes);
  ensure(bytes);
  pos += (buf as unknown as Utf8Writable).utf8Write(value, pos);
}

/** Length-prefixed raw bytes. */
export function writeBytes(value: Uint8Array): void {
  writeVarint32(value.length);
  ensure(value.length);
  buf.set(value, pos);
  pos += value.length;
}

/** A copy of the bytes written from offset `start` (from reserveLength) up to now. */
export function copyFrom(start: number): Buffer {
  return Buffer.from(buf.subarray(start, pos));
}

/**
 * Reserve one byte for the length of a length-delimited value about to be written; returns the
 * offset its content starts at, for finishLength.
 */
export function reserveLength(): number {
  ensure(1);
  return ++pos;
}

/** Write the length of the content written since `start` (from reserveLength) in front of it. */
export function finishLength(start: number): void {
  const length = pos - start;
  if (length < 128) {
    buf[start - 1] = length;
    return;
  }
  let extra = 1;
  for (let rest = length >>> 14; rest !== 0; rest >>>= 7) extra++;
  ensure(extra);
  buf.copyWithin(start + extra, start, pos);
  const end = pos + extra;
  pos = start - 1;
  writeVarint32(length);
  pos = end;
}

/** The unsigned 32-bit halves of a 64-bit two's complement integer; reused, never retained. */
const halves = { lo: 0, hi: 0 };

/** hi:lo of an integral number within the 64-bit range (callers check the range). */
function splitNumber(value: number): typeof halves {
  const magnitude = Math.abs(value);
  let lo = magnitude >>> 0;
  let hi = Math.floor(magnitude / TWO_32) >>> 0;
  if (value < 0) {
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  halves.lo = lo;
  halves.hi = hi;
  return halves;
}

/** hi:lo of a BigInt within the 64-bit range. */
function splitBigInt(value: bigint): typeof halves {
  const bits = BigInt.asUintN(64, value);
  halves.lo = Number(bits & 0xffffffffn);
  halves.hi = Number(bits >> 32n);
  return halves;
}

/**
 * hi:lo of a 64-bit integer given as a number (integral) or a decimal string, checked against the
 * signed or unsigned range; undefined when it is neither or out of range.
 */
export function int64Halves(value: unknown, unsigned: boolean): typeof halves | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return undefined;
    if (unsigned ? value < 0 || value >= 2 * 2 ** 63 : value < -(2 ** 63) || value >= 2 ** 63) return undefined;
    return splitNumber(value);
  }
  if (typeof value !== 'string' || !/^-?\d{1,20}$/.test(value)) return undefined;
  const big = BigInt(value);
  if (unsigned ? big < 0n || big >= TWO_64 : big < -TWO_63 || big >= TWO_63) return undefined;
  return splitBigInt(big);
}

/** A zigzag-encoded hi:lo (sint64), in place. */
export function zigzag64(h: typeof halves): typeof halves {
  const mask = h.hi >> 31;
  const hi = (((h.hi << 1) | (h.lo >>> 31)) ^ mask) >>> 0;
  h.lo = ((h.lo << 1) ^ mask) >>> 0;
  h.hi = hi;
  return h;
}
