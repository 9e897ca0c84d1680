// Wire fuzzing (docs/robustness.md V3): thousands of generated hostile bodies sent over real HTTP on
// loopback to a control plane running as a child process, so that a crash is seen as an exit.
// Every answer must be a 2xx or 4xx with an error body (JSON on the REST API; the plain text
// Kuma agents read on /bootstrap), no 5xx, no crash, and the child's peak RSS stays bounded.
// FUZZ_SEED, FUZZ_CASES and FUZZ_CONCURRENCY override the defaults; FUZZ_PROFILE=1 also prints
// the latency per body kind. The summary line (seed, cases, 2xx/4xx/5xx, crashes, peak RSS) is
// what docs/limits.md quotes.
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileForChild, type ChildBuild } from '../support/compile-for-child.js';
import { start, type Running } from '../support/processes.js';
import { hostileCase, requestOf } from './hostile-bodies.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261203);
const CASES = Number(process.env['FUZZ_CASES'] ?? 10_000);
const CONCURRENCY = Number(process.env['FUZZ_CONCURRENCY'] ?? 4);
/** Generous bound on the child's peak resident memory. */
const MAX_PEAK_RSS_BYTES = 1024 * 1024 * 1024;

const here = path.dirname(fileURLToPath(import.meta.url));

/** One answer, or how the exchange ended without one. */
type Outcome = { readonly status: number; readonly contentType: string; readonly body: string } | { readonly error: string };

/** Peak resident set size of a process (VmHWM), in bytes. */
function peakRss(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Send one request on a keep-alive agent; resolves with the answer or the transport error. */
function send(agent: http.Agent, port: number, method: string, urlPath: string, contentType: string | undefined, body: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: http.OutgoingHttpHeaders = { 'content-length': body.length, ...(contentType === undefined ? {} : { 'content-type': contentType }) };
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.setTimeout(60_000, () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(body);
  });
}

/** Declare the whole body, send half of it, then close: the server sees a client that left. */
function sendTruncated(port: number, method: string, urlPath: string, body: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`${method} ${urlPath} HTTP/1.1\r\nhost: fuzz\r\ncontent-type: application/json\r\ncontent-length: ${body.length + 1}\r\n\r\n`);
      socket.end(body.subarray(0, Math.floor(body.length / 2)));
    });
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.resume();
  });
}

/** What went wrong with one answer, or undefined when it is acceptable. */
function problemWith(port: 'api' | 'xds', outcome: Outcome): string | undefined {
  if ('error' in outcome) return `no answer: ${outcome.error}`;
  const { status, contentType, body } = outcome;
  if (!((status >= 200 && status < 300) || (status >= 400 && status < 500))) return `status ${status}: ${body.slice(0, 200)}`;
  if (status >= 400 && body.trim() === '') return `status ${status} without an error body`;
  if (port === 'api') {
    if (!contentType.startsWith('application/json')) return `content-type ${contentType}`;
    try {
      JSON.parse(body);
    } catch {
      return `body is not JSON: ${body.slice(0, 200)}`;
    }
  }
  return undefined;
}

describe('wire fuzzing of every body-parsing route', () => {
  let build: ChildBuild;
  let cp: Running;
  let apiPort: number;
  let xdsPort: number;
  let dataDir: string | undefined;

  beforeAll(async () => {
    build = compileForChild(path.join(here, 'control-plane-child.ts'));
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-fuzz-'));
    // Plaintext dataplane port: the fuzz is about bodies, and a plain client keeps it cheap.
    const args = ['cp', 'run', '--store', 'memory', '--data-dir', dataDir, '--api-port', '0', '--api-https-port', '0', '--xds-port', '0', '--xds-plaintext', '--log-level', 'info'];
    cp = start(process.execPath, [build.entry, ...args]);
    const ready = await cp.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/, 30_000);
    apiPort = Number(ready[1]);
    xdsPort = Number(ready[2]);
  });

  afterAll(async () => {
    await cp?.stop();
    build?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`answers ${CASES} hostile bodies with 2xx/4xx and error bodies, without crashing or growing past 1 GiB`, { timeout: 900_000 }, async () => {
    const started = Date.now();
    // One connection per request. With keep-alive, a request sent on an idle connection while
    // the server's event loop is busy with a large body races node's 5 s keep-alive timer, which
    // runs before the pending request is read and resets the connection: a client-side retry
    // case that would hide the server's real answers.
    const agent = new http.Agent({ keepAlive: false, maxSockets: CONCURRENCY });
    const setup = await send(agent, apiPort, 'PUT', '/meshes/default', 'application/json', Buffer.from('{"type":"Mesh","name":"default"}'));
    expect(setup).toMatchObject({ status: 201 });

    const cases = fc.sample(hostileCase, { seed: SEED, numRuns: CASES });
    const counts = { cases: 0, '2xx': 0, '4xx': 0, '5xx': 0, truncated: 0 };
    const problems: string[] = [];
    let next = 0;
    const perKind: Record<string, { n: number; ms: number; max: number }> = {};
    const worker = async (): Promise<void> => {
      for (let i = next++; i < cases.length && cp.proc.exitCode === null; i = next++) {
        const c = cases[i]!;
        const r = requestOf(c);
        const port = r.port === 'api' ? apiPort : xdsPort;
        counts.cases++;
        if (c.truncateWire) {
          await sendTruncated(port, r.method, r.path, r.body);
          counts.truncated++;
          continue;
        }
        const t0 = Date.now();
        const outcome = await send(agent, port, r.method, r.path, c.contentType, r.body);
        const k = `${c.shape.kind}`;
        const e = (perKind[k] ??= { n: 0, ms: 0, max: 0 });
        e.n++;
        e.ms += Date.now() - t0;
        e.max = Math.max(e.max, Date.now() - t0);
        if ('status' in outcome) counts[outcome.status >= 500 ? '5xx' : outcome.status >= 400 ? '4xx' : '2xx']++;
        const problem = problemWith(r.port, outcome);
        if (problem !== undefined && problems.length < 20) problems.push(`case ${i} (${c.target} ${c.shape.kind} ${c.contentType ?? 'no content-type'}): ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    if (process.env['FUZZ_PROFILE']) process.stdout.write(`${JSON.stringify(perKind)}\n`);

    const alive = cp.proc.exitCode === null && cp.proc.signalCode === null;
    const peak = alive ? peakRss(cp.proc.pid!) : 0;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `wire fuzz: seed=${SEED} cases=${counts.cases} 2xx=${counts['2xx']} 4xx=${counts['4xx']} 5xx=${counts['5xx']} ` +
        `truncated=${counts.truncated} crashes=${alive ? 0 : 1} peakRss=${(peak / 1024 / 1024).toFixed(0)}MiB time=${seconds}s\n`,
    );
    expect(alive, `control plane exited:\n${cp.output().slice(-4000)}`).toBe(true);
    expect(problems).toEqual([]);
    expect(counts.cases).toBe(CASES);
    expect(counts['5xx']).toBe(0);
    expect(counts['2xx']).toBeGreaterThan(0);
    expect(counts['4xx']).toBeGreaterThan(0);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(MAX_PEAK_RSS_BYTES);
  });
});
