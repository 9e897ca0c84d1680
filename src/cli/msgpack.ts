// A MessagePack decoder, enough for Fluentd Forward-protocol streams (the access log sink of
// `portico dp run`): every type of the specification; maps decode as Map, binary and extension
// values as Buffer. A value cut short by the end of the buffer throws Incomplete, so that a stream
// reader can wait for more bytes.

/** Thrown when the buffer ends inside a value: wait for more bytes. */
export class Incomplete extends Error {}

/** One MessagePack value at `at` (maps as Map, binary and extensions as Buffer). */
export function decodeMsgpack(buf: Buffer, at: number): { value: unknown; end: number } {
  const need = (n: number) => {
    if (at + n > buf.length) throw new Incomplete();
  };
  need(1);
  const b = buf[at]!;
  const bytes = (offset: number, n: number) => {
    need(offset + n);
    return { value: buf.subarray(at + offset, at + offset + n), end: at + offset + n };
  };
  const str = (offset: number, n: number) => {
    const r = bytes(offset, n);
    return { value: r.value.toString('utf8'), end: r.end };
  };
  const array = (offset: number, n: number) => {
    const items: unknown[] = [];
    let pos = at + offset;
    for (let i = 0; i < n; i++) {
      const r = decodeMsgpack(buf, pos);
      items.push(r.value);
      pos = r.end;
    }
    return { value: items, end: pos };
  };
  const map = (offset: number, n: number) => {
    const m = new Map<unknown, unknown>();
    let pos = at + offset;
    for (let i = 0; i < n; i++) {
      const k = decodeMsgpack(buf, pos);
      const v = decodeMsgpack(buf, k.end);
      m.set(k.value, v.value);
      pos = v.end;
    }
    return { value: m, end: pos };
  };
  const len = (size: 1 | 2 | 4) => {
    need(1 + size);
    return size === 1 ? buf.readUInt8(at + 1) : size === 2 ? buf.readUInt16BE(at + 1) : buf.readUInt32BE(at + 1);
  };
  if (b <= 0x7f) return { value: b, end: at + 1 };
  if (b >= 0xe0) return { value: b - 0x100, end: at + 1 };
  if ((b & 0xf0) === 0x80) return map(1, b & 0x0f);
  if ((b & 0xf0) === 0x90) return array(1, b & 0x0f);
  if ((b & 0xe0) === 0xa0) return str(1, b & 0x1f);
  switch (b) {
    case 0xc0:
      return { value: null, end: at + 1 };
    case 0xc2:
      return { value: false, end: at + 1 };
    case 0xc3:
      return { value: true, end: at + 1 };
    case 0xc4:
      return bytes(2, len(1));
    case 0xc5:
      return bytes(3, len(2));
    case 0xc6:
      return bytes(5, len(4));
    case 0xc7:
      return bytes(3, len(1));
    case 0xc8:
      return bytes(4, len(2));
    case 0xc9:
      return bytes(6, len(4));
    case 0xca:
      need(5);
      return { value: buf.readFloatBE(at + 1), end: at + 5 };
    case 0xcb:
      need(9);
      return { value: buf.readDoubleBE(at + 1), end: at + 9 };
    case 0xcc:
      need(2);
      return { value: buf.readUInt8(at + 1), end: at + 2 };
    case 0xcd:
      need(3);
      return { value: buf.readUInt16BE(at + 1), end: at + 3 };
    case 0xce:
      need(5);
      return { value: buf.readUInt32BE(at + 1), end: at + 5 };
    case 0xcf:
      need(9);
      return { value: Number(buf.readBigUInt64BE(at + 1)), end: at + 9 };
    case 0xd0:
      need(2);
      return { value: buf.readInt8(at + 1), end: at + 2 };
    case 0xd1:
      need(3);
      return { value: buf.readInt16BE(at + 1), end: at + 3 };
    case 0xd2:
      need(5);
      return { value: buf.readInt32BE(at + 1), end: at + 5 };
    case 0xd3:
      need(9);
      return { value: Number(buf.readBigInt64BE(at + 1)), end: at + 9 };
    case 0xd4:
      return bytes(2, 1);
    case 0xd5:
      return bytes(2, 2);
    case 0xd6:
      return bytes(2, 4);
    case 0xd7:
      return bytes(2, 8);
    case 0xd8:
      return bytes(2, 16);
    case 0xd9:
      return str(2, len(1));
    case 0xda:
      return str(3, len(2));
    case 0xdb:
      return str(5, len(4));
    case 0xdc:
      return array(3, len(2));
    case 0xdd:
      return array(5, len(4));
    case 0xde:
      return map(3, len(2));
    case 0xdf:
      return map(5, len(4));
    default:
      throw new Error(`msgpack: unknown type byte 0x${b.toString(16)}`);
  }
}
