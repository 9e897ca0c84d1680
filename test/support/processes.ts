// Child processes for end-to-end tests: the portico CLI (control plane, dp run, apply), echo
// backends, and plain HTTP requests through Envoy. Everything binds 127.0.0.x only.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: the nearest folder with a package.json (works from test/ and from dist/). */
export const REPO_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
/** The built CLI entry point (`npm test` builds before running tests). */
export const PORTICO_BIN = path.join(REPO_ROOT, 'bin', 'portico.js');

/** A running child process with its captured output. */
export interface Running {
  readonly proc: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolve with the first match of `pattern` in the output, or reject after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/** Start a process and capture its output. */
export function start(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Running {
  const proc = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiters) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  if (options.input !== undefined) proc.stdin!.end(options.input);
  else proc.stdin!.end();
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    output: () => out,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in output of ${command} ${args.join(' ')}:\n${out.slice(-4000)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
        proc.once('exit', (code) => {
          if (waiters.has(check)) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited with ${code} before printing ${pattern}:\n${out.slice(-4000)}`));
          }
        });
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Run the portico CLI to completion; resolves with its exit code and output. */
export function portico(args: readonly string[], input?: string): Promise<{ code: number; output: string }> {
  const r = start(process.execPath, [PORTICO_BIN, ...args], input === undefined ? {} : { input });
  return new Promise((resolve) => r.proc.once('exit', (code) => resolve({ code: code ?? 1, output: r.output() })));
}

// Ports for servers that a test's child processes bind. Asking the OS for port 0 would pick from
// the ephemeral range, which every process's outgoing connections also draw from, so between the
// probe and the child's bind a connection could take the port (EADDRINUSE seen in CI). Ports are
// therefore picked below that range, from a slice of it that belongs to this vitest worker (so
// parallel test files never pick the same one), and never handed out twice by this process.
const EPHEMERAL_LOW = (() => {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
})();
const PORT_FLOOR = 12000;
const PORT_SLICES = 16;
const handedOut = new Set<number>();

function workerSlice(): { low: number; size: number } {
  const size = Math.floor((EPHEMERAL_LOW - PORT_FLOOR) / PORT_SLICES);
  const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 1);
  return { low: PORT_FLOOR + ((Math.max(worker, 1) - 1) % PORT_SLICES) * size, size };
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** A port that nothing listens on now and that no outgoing connection will take (see above). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const { low, size } = workerSlice();
  if (size < 64) return osPickedPort(host);
  if (handedOut.size >= size) handedOut.clear();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * size);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await bindable(port, host)) return port;
  }
  return osPickedPort(host);
}

function osPickedPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** One HTTP response, body as text. */
export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A plain HTTP/1.1 request with an explicit Host header (no connection reuse). */
export function request(url: string, options: { host?: string; method?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: options.method ?? 'GET',
        headers: { ...(options.host ? { host: options.host } : {}), ...options.headers },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

/** An HTTPS request with SNI `servername`; resolves the response and the served certificate's CN. */
export function httpsRequest(port: number, servername: string, path: string, host = '127.0.0.1'): Promise<HttpResult & { cn: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host, port, path, servername, headers: { host: servername }, rejectUnauthorized: false, agent: false }, (res) => {
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, cn: String(cert.subject?.CN ?? '') }));
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`https request to ${servername} timed out`)));
    req.once('error', reject);
    req.end();
  });
}

/**
 * Poll `probe` until it returns true or `timeoutMs` elapses (then reject with the last error and,
 * when given, what `explain` says of the state then).
 */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number, what: string, explain?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}${explain ? `\n${explain()}` : ''}`);
}
