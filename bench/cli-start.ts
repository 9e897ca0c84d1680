// How long the `portico` command takes to start (issue 13, deliverable 6): the wall time from
// spawning `node bin/portico.js ...` to its exit, for `--help`, `get --help`, `apply --help`, and
// a real `get meshes` and `apply -f <file>` against a control plane this process runs (memory
// store, REST API on a loopback port, where a request without credentials is the admin user, so
// the CLI needs no token). Bare `node -e 0` is measured the same way, and each command's median
// is also given as a ratio to it: on this shared 2-core machine node itself takes 40-140 ms to
// start, so the ratio is the figure that compares across runs.
//
// The CLI runs with HOME and XDG_CONFIG_HOME in an empty directory (no config file to read) and
// PORTICO_API_URL naming the control plane. Commands are interleaved (one sample of each, then
// the next round) after two untimed rounds, so machine noise falls on all of them alike. The
// applied file (a Mesh, a MeshGateway and a MeshGatewayRoute) is the same every time, so after
// the first round each apply answers `unchanged`.
//
// BENCH_CLI_BASELINE=<path of another build's bin/portico.js> also runs every portico command
// with that build in the same rounds (metrics prefixed `baseline:`), to compare two builds under
// the same machine noise: copy bin/, dist/ and package.json of the old build to a directory with
// node_modules linked, as the figures in bench/README.md were taken.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { DEFAULT_CONFIG, startControlPlane } from '../src/runtime/control-plane.js';
import { PORTICO_BIN } from '../test/support/processes.js';
import { summarize, type BenchResult, type Summary } from './harness.js';

/** The file `apply -f` sends. */
export const CLI_START_APPLY_FILE = `type: Mesh
name: bench
---
type: MeshGateway
mesh: bench
name: edge
selectors:
  - match:
      kuma.io/service: edge
conf:
  listeners:
    - port: 8080
      protocol: HTTP
---
type: MeshGatewayRoute
mesh: bench
name: edge-route
selectors:
  - match:
      kuma.io/service: edge
conf:
  http:
    rules:
      - matches:
          - path:
              match: PREFIX
              value: /
        backends:
          - destination:
              kuma.io/service: backend
`;

/** One timed command: a metric id, node's arguments, and what its output must contain. */
interface CliCommand {
  readonly id: string;
  readonly args: readonly string[];
  readonly expect: RegExp;
}

/** Output and wall time of one run. */
interface CliRun {
  readonly ms: number;
  readonly code: number | null;
  readonly output: string;
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

function runOnce(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => void (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => void (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: performance.now() - t0, code, output }));
  });
}

/** `runs` timed samples of each command, interleaved, after `warmup` untimed rounds. */
export async function benchCliStart(runs: number, warmup = 2): Promise<BenchResult> {
  const loadAverageAtStart = loadAverage();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-cli-start-'));
  const cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, dataplaneAuth: 'none', logger: pino({ level: 'silent' }) });
  try {
    const file = path.join(dir, 'apply.yaml');
    writeFileSync(file, CLI_START_APPLY_FILE);
    const { PORTICO_API_TOKEN: _token, PORTICO_API_CA_CERT_FILE: _ca, ...inherited } = process.env;
    const env = { ...inherited, HOME: dir, XDG_CONFIG_HOME: dir, PORTICO_API_URL: `http://127.0.0.1:${cp.apiPort}` };
    const portico = (bin: string, prefix: string): CliCommand[] => [
      { id: `${prefix}portico --help`, args: [bin, '--help'], expect: /^Usage: portico / },
      { id: `${prefix}portico get --help`, args: [bin, 'get', '--help'], expect: /^Usage: portico get / },
      { id: `${prefix}portico apply --help`, args: [bin, 'apply', '--help'], expect: /^Usage: portico apply / },
      { id: `${prefix}portico apply -f`, args: [bin, 'apply', '-f', file], expect: /^mesh "bench" (created|unchanged)\nmeshgateway "edge" / },
      { id: `${prefix}portico get meshes`, args: [bin, 'get', 'meshes'], expect: /^NAME\s+MTLS\s+AGE\nbench\s/ },
    ];
    const baseline = process.env['BENCH_CLI_BASELINE'];
    const commands: readonly CliCommand[] = [
      { id: 'node -e 0', args: ['-e', '0'], expect: /^$/ },
      ...portico(PORTICO_BIN, ''),
      ...(baseline ? portico(baseline, 'baseline: ') : []),
    ];
    const samples = new Map<string, number[]>(commands.map((c) => [c.id, []]));
    for (let round = -warmup; round < runs; round++) {
      for (const c of commands) {
        const r = await runOnce(c.args, env);
        if (r.code !== 0 || !c.expect.test(r.output)) throw new Error(`${c.id}: exit ${r.code}, output:\n${r.output}`);
        if (round >= 0) samples.get(c.id)!.push(r.ms);
      }
    }
    const node = summarize(samples.get('node -e 0')!);
    const metrics: Record<string, Summary | number | string> = { loadAverageAtStart, loadAverageAtEnd: loadAverage() };
    for (const c of commands) {
      const s = summarize(samples.get(c.id)!);
      metrics[c.id] = s;
      if (c.id !== 'node -e 0') metrics[`${c.id} / node -e 0`] = Math.round((s.median / node.median) * 100) / 100;
    }
    return {
      id: 'cli-start',
      description: `wall time from spawning the CLI to its exit, ${runs} interleaved runs of each; get and apply against a control plane on loopback${baseline ? `; baseline: ${baseline}` : ''}`,
      metrics,
    };
  } finally {
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
