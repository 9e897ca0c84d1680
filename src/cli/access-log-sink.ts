// The access log sink of `portico dp run` (docs/policies.md: TrafficLog). Envoy's loggers can
// reach a TCP collector only through a cluster of the bootstrap, so the agent serves one: Envoy's
// Fluentd logger streams each access log line to this Unix socket as a Forward-protocol event
// whose tag is the collector's HOST:PORT, and the sink writes the line, newline-terminated, to
// that collector over plain TCP, as kuma-dp does for Kuma's TCP logging backends. Lines that
// cannot be delivered are dropped (an access log never holds traffic back).
import net from 'node:net';
import { decodeMsgpack, Incomplete } from './msgpack.js';

/** Lines kept per collector while its connection is being made. */
const MAX_PENDING_LINES = 10_000;

/** A running sink. */
export interface AccessLogSink {
  close(): Promise<void>;
}

/** One collector connection, opened on first use and again after it fails. */
class Collector {
  private socket: net.Socket | undefined;
  private connected = false;
  private pending: string[] = [];

  constructor(private readonly host: string, private readonly port: number) {}

  write(line: string): void {
    if (this.connected && this.socket) {
      this.socket.write(line);
      return;
    }
    if (this.pending.length < MAX_PENDING_LINES) this.pending.push(line);
    if (!this.socket) this.connect();
  }

  private connect(): void {
    const socket = net.connect(this.port, this.host);
    this.socket = socket;
    socket.once('connect', () => {
      this.connected = true;
      for (const line of this.pending) socket.write(line);
      this.pending = [];
    });
    socket.on('data', () => undefined);
    socket.once('close', () => {
      this.socket = undefined;
      this.connected = false;
      this.pending = [];
    });
    socket.on('error', () => socket.destroy());
  }

  close(): void {
    this.socket?.destroy();
  }
}

/** HOST:PORT (IPv6 in brackets) as host and port; undefined when malformed. */
function hostPort(address: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!m || m[1] === '') return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

/**
 * The lines of one Forward-protocol event: `[tag, time, record]` (message mode) or
 * `[tag, [[time, record], ...]]` (forward mode), each record's `message`.
 */
export function forwardEventLines(event: unknown): { tag: string; lines: string[] } | undefined {
  if (!Array.isArray(event) || typeof event[0] !== 'string') return undefined;
  const entries: unknown[] = Array.isArray(event[1]) ? (event[1] as unknown[]) : [[event[1], event[2]]];
  const lines: string[] = [];
  for (const entry of entries) {
    const record = Array.isArray(entry) ? entry[1] : undefined;
    const message = record instanceof Map ? record.get('message') : undefined;
    if (typeof message === 'string') lines.push(message);
  }
  return { tag: event[0], lines };
}

/** Serves the sink on the Unix socket `socketPath`. */
export async function startAccessLogSink(socketPath: string): Promise<AccessLogSink> {
  const collectors = new Map<string, Collector>();
  const collectorFor = (address: string) => {
    let c = collectors.get(address);
    if (!c) {
      const target = hostPort(address);
      if (!target) return undefined;
      c = new Collector(target.host, target.port);
      collectors.set(address, c);
    }
    return c;
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (;;) {
        let decoded: { value: unknown; end: number };
        try {
          decoded = decodeMsgpack(buffered, 0);
        } catch (err) {
          if (err instanceof Incomplete) return;
          socket.destroy();
          return;
        }
        buffered = buffered.subarray(decoded.end);
        const event = forwardEventLines(decoded.value);
        const collector = event && collectorFor(event.tag);
        if (collector) for (const line of event.lines) collector.write(`${line}\n`);
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        for (const c of collectors.values()) c.close();
        server.close(() => resolve());
      }),
  };
}
