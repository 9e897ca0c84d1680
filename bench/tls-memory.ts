// What one HTTP/2-over-TLS connection costs Node in memory, without Portico: the floor under the
// scale benchmark's RSS per proxy (bench/README.md, "Memory per connection"). A bare node:http2
// secure server in a fresh process takes N connections from a client process (one stream each,
// kept open), then writes one response of `bytes` to every stream, all in one loop as a push to
// every proxy does, or in pieces each awaited before the next. Its RSS is read after two full
// GCs and a pause, empty, idle (all connected) and after the write; per connection is the
// difference from empty over N. The client's window is Envoy's 256 MiB or grpc-js's 64 KiB.
//
// The same file is the server and the client process (`node tls-memory.js server|client ...`).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { namesOf } from '../src/ca/control-plane-certificate-spec.js';
import { ensureControlPlaneCertificates } from '../src/ca/control-plane-certificates.js';
import type { BenchResult } from './harness.js';

const HERE = fileURLToPath(import.meta.url);
const MIB = 1024 * 1024;
/** Envoy's default HTTP/2 stream and connection windows. */
const ENVOY_WINDOW = 256 * MIB;
/** Connections opened at a time by the client. */
const DIAL_CONCURRENCY = 50;

/** One measured configuration. */
interface Cell {
  readonly id: string;
  readonly bytes: number;
  readonly window: number;
  /** Pieces the response is written in, each awaited before the next (1 = one write). */
  readonly pieces: number;
}

/** The scale fixture's route change is a 118 KB RDS response per proxy. */
const CELLS: readonly Cell[] = [
  { id: '118KB-envoy-window', bytes: 118_000, window: ENVOY_WINDOW, pieces: 1 },
  { id: '118KB-64KiB-window', bytes: 118_000, window: 65_535, pieces: 1 },
  { id: '400KB-envoy-window', bytes: 400_000, window: ENVOY_WINDOW, pieces: 1 },
  { id: '118KB-envoy-window-8-awaited-pieces', bytes: 118_000, window: ENVOY_WINDOW, pieces: 8 },
];

type Memory = Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'external'>;
type Message = { ev: 'listening'; port: number } | { ev: 'memory'; memory: Memory } | { ev: 'written' } | { ev: 'open' } | { ev: 'received' };

/** Resolves with the child's next message of kind `ev`. */
function next<E extends Message['ev']>(child: ChildProcess, ev: E): Promise<Extract<Message, { ev: E }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Message): void => {
      if (m.ev !== ev) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as Extract<Message, { ev: E }>);
    };
    const onExit = (code: number | null): void => reject(new Error(`tls-memory child exited with ${code} while waiting for '${ev}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function measureCell(cell: Cell, connections: number, certDir: string): Promise<Record<string, number>> {
  const server = fork(HERE, ['server', certDir], { execArgv: ['--expose-gc'] });
  let client: ChildProcess | undefined;
  try {
    const { port } = await next(server, 'listening');
    const memory = async (): Promise<Memory> => {
      const reply = next(server, 'memory');
      server.send({ cmd: 'measure' });
      return (await reply).memory;
    };
    const empty = await memory();
    client = fork(HERE, ['client', String(port), String(connections), String(cell.window), String(cell.bytes)]);
    const received = next(client, 'received');
    await next(client, 'open');
    const idle = await memory();
    const written = next(server, 'written');
    server.send({ cmd: 'write', bytes: cell.bytes, pieces: cell.pieces });
    await Promise.all([written, received]);
    const after = await memory();
    const perConnection = (m: Memory): number => Math.round(((m.rss - empty.rss) / connections / 1024) * 10) / 10;
    return {
      [`${cell.id}.idleKiBPerConnection`]: perConnection(idle),
      [`${cell.id}.afterWriteKiBPerConnection`]: perConnection(after),
      [`${cell.id}.heapUsedAfterMiB`]: Math.round((after.heapUsed / MIB) * 10) / 10,
    };
  } finally {
    client?.kill('SIGKILL');
    server.kill('SIGKILL');
  }
}

/** The `tls-connection-memory` scenario: every cell in fresh processes, one at a time. */
export async function benchTlsMemory(connections: number): Promise<BenchResult> {
  const certDir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-tls-memory-'));
  try {
    await ensureControlPlaneCertificates({ dir: certDir, subjectAltNames: namesOf(['127.0.0.1']), logger: pino({ level: 'silent' }) });
    const metrics: Record<string, number> = { connections };
    for (const cell of CELLS) Object.assign(metrics, await measureCell(cell, connections, certDir));
    return {
      id: 'tls-connection-memory',
      description: `RSS per HTTP/2-over-TLS connection of a bare node:http2 server, ${connections} connections: idle, and after one response of each cell's size`,
      metrics,
    };
  } finally {
    rmSync(certDir, { recursive: true, force: true });
  }
}

// ---- the server process ----

async function serve(certDir: string): Promise<void> {
  const streams: http2.ServerHttp2Stream[] = [];
  const server = http2.createSecureServer({ key: readFileSync(path.join(certDir, 'server.key')), cert: readFileSync(path.join(certDir, 'server.crt')) });
  server.on('stream', (stream) => {
    stream.on('error', () => undefined);
    stream.respond({ ':status': 200 });
    stream.resume();
    streams.push(stream);
  });
  server.on('sessionError', () => undefined);
  const write = (stream: http2.ServerHttp2Stream, bytes: number): Promise<void> =>
    new Promise((resolve, reject) => stream.write(Buffer.alloc(bytes, 1), (err) => (err ? reject(err) : resolve())));
  process.on('message', async (msg: { cmd: string; bytes: number; pieces: number }) => {
    if (msg.cmd === 'measure') {
      const gc = (globalThis as { gc?: () => void }).gc!;
      gc();
      gc();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const { rss, heapUsed, external } = process.memoryUsage();
      process.send!({ ev: 'memory', memory: { rss, heapUsed, external } });
    } else if (msg.cmd === 'write') {
      const piece = Math.ceil(msg.bytes / msg.pieces);
      await Promise.all(
        streams.map(async (stream) => {
          for (let sent = 0; sent < msg.bytes; sent += piece) await write(stream, Math.min(piece, msg.bytes - sent));
        }),
      );
      process.send!({ ev: 'written' });
    }
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => process.send!({ ev: 'listening', port: (server.address() as { port: number }).port }));
}

// ---- the client process ----

async function dial(port: number, connections: number, window: number, bytes: number): Promise<void> {
  let complete = 0;
  const open = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false, settings: { initialWindowSize: window } });
      session.on('error', reject);
      session.once('connect', () => {
        if (window > 65_535) session.setLocalWindowSize(window);
        const request = session.request({ ':method': 'POST', ':path': '/x' }, { endStream: false });
        request.on('error', () => undefined);
        let got = 0;
        request.on('data', (chunk: Buffer) => {
          got += chunk.length;
          if (got === bytes && ++complete === connections) process.send!({ ev: 'received' });
        });
        request.once('response', () => resolve());
      });
    });
  for (let i = 0; i < connections; i += DIAL_CONCURRENCY) await Promise.all(Array.from({ length: Math.min(DIAL_CONCURRENCY, connections - i) }, open));
  process.send!({ ev: 'open' });
}

if (process.argv[1] === HERE) {
  const [role, ...args] = process.argv.slice(2);
  const run = role === 'server' ? serve(args[0]!) : dial(Number(args[0]), Number(args[1]), Number(args[2]), Number(args[3]));
  run.catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
