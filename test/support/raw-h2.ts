// A minimal HTTP/2 client written frame by frame, for requests that Node's own client refuses to
// send — e.g. a header it treats as single-valued (`authorization`) repeated. It sends one
// request on stream 1 (headers as HPACK literals, no compression) plus one DATA frame, answers
// SETTINGS, and records every frame the server sends until the stream ends or the connection
// closes. It does not decode response headers; tests look at frame types and the server's logs.
import net from 'node:net';

/** A frame received from the server. */
export interface RawFrame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly length: number;
}

/** HTTP/2 frame types used here (RFC 9113 §6). */
export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, GOAWAY: 7 } as const;

const END_STREAM = 0x1;
const END_HEADERS = 0x4;

/** Sends `headers` (in order, repeats kept) and `body` on stream 1; resolves the frames received. */
export function rawH2Request(port: number, headers: ReadonlyArray<readonly [string, string]>, body: Buffer, timeoutMs = 5000): Promise<RawFrame[]> {
  return new Promise((resolve, reject) => {
    const frames: RawFrame[] = [];
    let pending = Buffer.alloc(0);
    const socket = net.connect(port, '127.0.0.1');
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(frames);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('close', finish);
    socket.on('connect', () => {
      socket.write(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'));
      socket.write(frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0)));
      socket.write(frame(FRAME.HEADERS, END_HEADERS, 1, Buffer.concat(headers.map(([n, v]) => literal(n, v)))));
      socket.write(frame(FRAME.DATA, 0, 1, body));
    });
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 9) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < 9 + length) break;
        const f = { type: pending[3]!, flags: pending[4]!, streamId: pending.readUInt32BE(5) & 0x7fffffff, length };
        pending = pending.subarray(9 + length);
        frames.push(f);
        if (f.type === FRAME.SETTINGS && (f.flags & 0x1) === 0) socket.write(frame(FRAME.SETTINGS, 0x1, 0, Buffer.alloc(0)));
        const streamEnded = f.streamId === 1 && (f.type === FRAME.RST_STREAM || (f.type === FRAME.HEADERS && (f.flags & END_STREAM) !== 0));
        if (streamEnded || f.type === FRAME.GOAWAY) finish();
      }
    });
  });
}

/** A gRPC length-prefixed message (uncompressed). */
export function grpcMessage(bytes: Uint8Array): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([prefix, Buffer.from(bytes)]);
}

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** HPACK "literal header field without indexing, new name" with plain (non-Huffman) strings. */
function literal(name: string, value: string): Buffer {
  return Buffer.concat([Buffer.from([0]), int7(Buffer.byteLength(name)), Buffer.from(name), int7(Buffer.byteLength(value)), Buffer.from(value)]);
}

/** HPACK integer with a 7-bit prefix (RFC 7541 §5.1). */
function int7(n: number): Buffer {
  if (n < 127) return Buffer.from([n]);
  const out = [127];
  let rest = n - 127;
  while (rest >= 128) {
    out.push((rest & 127) | 128);
    rest >>= 7;
  }
  out.push(rest);
  return Buffer.from(out);
}
