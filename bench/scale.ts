// Scale benchmark (issue 9, deliverable 7): the control plane with N simulated gateway proxies.
//
// Setup. The control plane runs in its own process (bench/cp-process.ts): embedded store in a fresh
// data directory, TLS on the dataplane port (clients verify it with the generated CA), and
// dataplane authentication OFF (`dataplaneAuth: 'none'`; token verification has its own
// benchmark, bench/dataplane-auth.ts). The fixture (bench/scale-fixtures.ts) is one MeshGateway
// with 3 HTTP listeners, 50 MeshGatewayRoutes over 4 services (2 Dataplanes each) and N gateway
// Dataplanes on distinct addresses; the CP process writes it to its store directly (a few
// transactions), not through REST, so setup does not dominate. Simulated Envoys
// (bench/sim-envoy.ts: real gRPC ADS over TLS, one connection each, Envoy's subscription order,
// ACK everything, Envoy's retry backoff) run in 1 (N <= 100), 2 (N <= 1,000) or 4 worker
// processes. Node ids are `default.gw-00000`, ... The machine's two cores are shared by the CP,
// the workers and the driver: read the figures as "this machine, this load average".
//
// All times are taken in the CP process (one clock): a `mark` command just before the driver acts,
// and the delivery ACK events of the xDS server.
//
// Figures (metrics of each result; `Summary` = median/p90/min/max over the samples it says):
// - fanout.*: the N proxies connect at once. fanout.allAckedMs = from the mark (just before the
//   workers open their streams) until the last proxy has ACKed the snapshot's current version of
//   every type it has resources of (CDS, EDS, LDS, RDS, RTDS; SDS when there are secrets);
//   fanout.perProxy = the same per proxy; fanout.refusedStreams = streams refused with
//   RESOURCE_EXHAUSTED (admission control) and retried; fanout.listenOverflows = connections the
//   kernel dropped meanwhile because a listen queue was full (TcpExt ListenOverflows, machine-wide;
//   each such client retries after TCP's SYN backoff); fanout.clientsOpenedMs = how long the
//   slowest worker took to open all its clients' first streams (a client-side limit); cpuMs = CP
//   CPU (user + system) over the fan-out (cpuSystemMs: its system part); simCpuMs = the simulated
//   Envoys' CPU over the same span (from just before the mark to just after the last ACK), which
//   shares the two cores with the CP; loopDelay.* = the CP's event-loop delay percentiles over
//   it (ms).
// - change.*: one warm-up then `changes` route changes (a REST PUT of one MeshGatewayRoute, loopback
//   admin). Per change, per proxy: ms from the mark until that proxy ACKed an RDS version other
//   than the one it had. change.lastAckMs / p50Ms / p99Ms = Summary over changes of the per-change
//   max / p50 / p99 over proxies; cpuMs = CP CPU from the mark to the last ACK; simCpuMs = the
//   simulated Envoys' CPU from just before the mark to just after the last ACK (they share the two
//   cores with the CP, so the wall time is at least about (cpuMs + simCpuMs) / 2); loopDelayMaxMs and
//   loopDelayP99Ms = the CP's event-loop delay (histogram reset at the mark) per change;
//   stallMaxMs = the longest late tick of a 10 ms timer (bench/stall-monitor.ts), split into
//   stallMaxRanMs (the CP's main thread on a CPU) and stallMaxWaitedMs (runnable, waiting for a
//   core the simulated Envoys held); longestRunMs = the most the main thread ran between two ticks;
//   gcMs, gcMaxPauseMs, majorGcs = the CP's garbage collection pauses (perf_hooks 'gc' entries);
//   restGetMaxMs = the slowest of the REST GETs (one every 200 ms, sequential, issued from the
//   driver) during each change; restGetMs = every such GET; restGetFailures = GETs that failed
//   (e.g. a keep-alive connection the stalled server dropped under the request); generationMs = the CP's own
//   regeneration time; change.loopDelay.* = medians over changes of each percentile.
// - memory.*: CP RSS (MiB) with the empty store, after the fixture is written (snapshots built,
//   nobody connected), after every proxy ACKed, and after a full GC (the CP runs with
//   --expose-gc); rssPerProxyKiB = (connected after GC - empty after GC) / N; heapUsed, heapTotal,
//   external and arrayBuffers of `process.memoryUsage()` after that GC say how much of it V8 holds.
// - restart.* (scale-restart-*): kill -9 of the CP with every proxy connected and up to date, and a
//   new CP on the same data directory. restart.processReadyMs = from the kill until the new process
//   is ready (driver clock); restart.reservedMs = from the new CP's ready until the last proxy is
//   re-served. "Re-served" (both modes): the proxy's new stream to the restarted CP has carried,
//   for every type the proxy needs, a response the proxy ACKed, at the version of the restarted
//   CP's snapshot. SotW: every type is answered in full on a new stream. Delta: the proxy sends
//   initial_resource_versions; Portico answers every first request of a type, with only what
//   differs (nothing when the versions are identical), and that response's ACK counts. "Identical
//   config": restart.identicalServer = proxies whose ACKed versions per type equal those before
//   the kill; restart.identicalClient = proxies whose held name/version sets (client side) equal
//   those before the kill; restart.resourcesResent = resources the clients received after the
//   restart (delta: 0 when nothing changed).
//
// Run: `npm run bench -- scale-100` (ids: scale-100, scale-1000, scale-1000-sotw,
// scale-restart-1000; scale-10000 only with BENCH_LARGE=1). Knobs:
// - BENCH_SCALE_CHANGES (default 5), BENCH_SCALE_RESTARTS (default 3);
// - BENCH_SCALE_FANOUT_TIMEOUT_MS (default 180000, or 100 ms per proxy when more; also bounds the
//   re-serve after a restart), BENCH_SCALE_CHANGE_TIMEOUT_MS (default 120000, or 30 ms per proxy);
// - BENCH_SCALE_CPU_PROFILE=<dir>: writes a .cpuprofile of the CP for the fan-out, the first
//   measured change and the first restart (from the new process's start until every proxy is
//   re-served); read it with `node dist/bench/profile-top.js <file>`.
// - BENCH_SCALE_SIM_NICE=<1..19>: runs the simulated Envoys' processes at that nice value, so the
//   CP's main thread gets a core first when both are runnable, as it would with its proxies on
//   other machines (default 0: they compete equally; the figures above are for 0). The metric
//   simNice records it.
// - BENCH_CP_NODE_ARGS="<flags>": extra node flags for the control plane (V8 heap tuning, --trace-gc).
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TypeUrl } from '../src/xds/cache/resource-types.js';
import type { ChangeResult, LoopDelay, TypesResult } from './cp-process.js';
import { summarize, type BenchResult, type Summary } from './harness.js';
import { IpcPeer } from './ipc.js';
import { gatewayNodeId, gatewayRoute, restPath, routeName } from './scale-fixtures.js';
import type { SimMode } from './sim-envoy.js';
import type { StallSplit } from './stall-monitor.js';
import type { WorkerStats } from './sim-envoy-worker.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Types a simulated gateway Envoy subscribes; a proxy needs those its snapshot has resources of. */
const SUBSCRIBED_TYPES: readonly string[] = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Secret, TypeUrl.Runtime];
const MIB = 1024 * 1024;
/** Longest a REST request of the benchmark may take before the run fails. */
const REST_TIMEOUT_MS = 60_000;

/** One scale scenario. */
export interface ScaleOptions {
  readonly proxies: number;
  readonly mode: SimMode;
  /** Measured route changes (after one warm-up); 0 = none. */
  readonly changes: number;
  /** kill -9 / restart rounds; 0 = none. */
  readonly restarts: number;
}

function env(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** BENCH_SCALE_SIM_NICE, 0 when unset. */
function simNice(): number {
  return Math.min(19, Math.floor(env('BENCH_SCALE_SIM_NICE', 0)));
}

function log(id: string, message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${id}: ${message}\n`);
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Nearest-rank percentile of ascending samples. */
function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function median(values: readonly number[]): number {
  return pct([...values].sort((a, b) => a - b), 50);
}

function loopDelayMetrics(prefix: string, d: LoopDelay): Record<string, number> {
  return { [`${prefix}.p50`]: d.p50, [`${prefix}.p90`]: d.p90, [`${prefix}.p99`]: d.p99, [`${prefix}.p999`]: d.p999, [`${prefix}.max`]: d.max, [`${prefix}.mean`]: d.mean };
}

function stallMetrics(prefix: string, s: StallSplit): Record<string, number> {
  return {
    [`${prefix}.maxMs`]: s.maxGapMs,
    [`${prefix}.maxRanMs`]: s.maxGapRanMs,
    [`${prefix}.maxWaitedMs`]: s.maxGapWaitedMs,
    [`${prefix}.longestRunMs`]: s.maxRanMs,
    [`${prefix}.gcMs`]: s.gcMs,
    [`${prefix}.gcMaxPauseMs`]: s.gcMaxPauseMs,
    [`${prefix}.majorGcs`]: s.majorGcs,
  };
}

/** A control-plane child process and what it told us when ready. */
interface CpChild {
  readonly peer: IpcPeer;
  readonly apiPort: number;
  readonly xdsPort: number;
  readonly apiUrl: string;
  readonly xdsAddress: string;
  readonly caFile: string;
}

/** BENCH_CP_NODE_ARGS: extra node flags for the control plane's process (V8 tuning, --trace-gc). */
function cpNodeArgs(): string[] {
  return (process.env['BENCH_CP_NODE_ARGS'] ?? '').split(/\s+/).filter((a) => a !== '');
}

/** Starts a control plane; a restart passes the ports of the one it replaces (proxies dial the same address). */
async function startCp(dataDir: string, id: string, ports: { apiPort?: number; xdsPort?: number } = {}, profileStartup = false): Promise<CpChild> {
  const child = fork(path.join(HERE, 'cp-process.js'), [JSON.stringify({ dataDir, ...ports, profileStartup })], {
    execArgv: ['--expose-gc', ...cpNodeArgs()],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const peer = new IpcPeer(child, `${id} control plane (pid ${child.pid})`);
  try {
    const ready = await peer.waitForEvent('ready', 120_000);
    const [apiPort, xdsPort] = [Number(ready['apiPort']), Number(ready['xdsPort'])];
    return { peer, apiPort, xdsPort, apiUrl: `http://127.0.0.1:${apiPort}`, xdsAddress: `127.0.0.1:${xdsPort}`, caFile: String(ready['caFile']) };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

function startWorkers(count: number, id: string): IpcPeer[] {
  const nice = simNice();
  return Array.from({ length: count }, (_, k) => {
    const child = fork(path.join(HERE, 'sim-envoy-worker.js'), [], { execArgv: ['--no-deprecation'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (nice > 0 && child.pid !== undefined) os.setPriority(child.pid, nice);
    return new IpcPeer(child, `${id} worker ${k} (pid ${child.pid})`);
  });
}

/**
 * The machine's TcpExt ListenOverflows counter: connections the kernel dropped because a listen
 * queue was full (Linux; NaN elsewhere). Machine-wide, so other users' listeners count too.
 */
function listenOverflows(): number {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i++) {
      if (!lines[i]!.startsWith('TcpExt:')) continue;
      const k = lines[i]!.split(/\s+/).indexOf('ListenOverflows');
      return k < 0 ? Number.NaN : Number(lines[i + 1]!.split(/\s+/)[k]);
    }
  } catch {
    // Not Linux.
  }
  return Number.NaN;
}

async function workerStats(workers: readonly IpcPeer[]): Promise<WorkerStats> {
  const all = await Promise.all(workers.map((w) => w.call<WorkerStats>('stats')));
  const sum = { streams: 0, refused: 0, broken: 0, responses: 0, resources: 0, acks: 0, clients: 0, connected: 0, cpuMs: 0 };
  for (const s of all) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += s[k];
  // The slowest worker's opening time (-1 while one is still opening).
  const startMs = all.some((s) => s.startMs < 0) ? -1 : Math.max(...all.map((s) => s.startMs));
  return { ...sum, startMs };
}

async function digests(workers: readonly IpcPeer[]): Promise<Record<string, string>> {
  return Object.assign({}, ...(await Promise.all(workers.map((w) => w.call<Record<string, string>>('digests', undefined, 60_000)))));
}

/** Adds the workers' view of a few missing proxies to a wait's error. */
async function explain(err: unknown, workers: readonly IpcPeer[]): Promise<Error> {
  const message = err instanceof Error ? err.message : String(err);
  const stats = await workerStats(workers).catch((e: unknown) => `unavailable: ${String(e)}`);
  // The client side of the first few proxies the control plane named as missing.
  const nodeIds = [...new Set(message.match(/\b[a-z0-9-]+\.gw-\d{5}\b/g) ?? [])].slice(0, 3);
  const described = await Promise.all(workers.map((w) => w.call<Record<string, unknown>>('describe', { nodeIds }).catch(() => ({}))));
  return new Error(`${message}\nsimulated Envoys: ${JSON.stringify(stats)}\nclient side: ${JSON.stringify(Object.assign({}, ...described), null, 1)}`);
}

async function put(apiUrl: string, doc: Record<string, unknown>): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${apiUrl}${restPath(doc)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(doc),
    signal: AbortSignal.timeout(REST_TIMEOUT_MS),
  });
  const body = await res.text();
  if (res.status >= 300) throw new Error(`PUT ${restPath(doc)}: ${res.status} ${body}`);
  return performance.now() - t0;
}

/**
 * Sequential REST GETs every `gapMs` until stopped; resolves with their latencies and the GETs
 * that failed (a stalled server can drop a keep-alive connection under a request: that is a
 * finding to report, not a reason to abort the run).
 */
function probeRest(url: string, gapMs: number): { stop: () => Promise<{ latencies: number[]; failures: string[] }> } {
  const latencies: number[] = [];
  const failures: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(REST_TIMEOUT_MS) });
        await res.arrayBuffer();
        if (res.status !== 200) failures.push(`status ${res.status}`);
        else latencies.push(performance.now() - t0);
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        failures.push(`${(err as Error).message}${cause ? ` (${cause.code ?? cause.message ?? ''})` : ''} after ${Math.round(performance.now() - t0)} ms`);
      }
      await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { latencies, failures };
    },
  };
}

/** `process.memoryUsage()` of the CP. */
interface Memory {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

async function memory(cp: CpChild, gc: boolean): Promise<Memory> {
  if (gc) return (await cp.peer.call<{ memory: Memory }>('gc')).memory;
  return (await cp.peer.call<{ memory: Memory }>('usage')).memory;
}

/** Everything a run needs to clean up, whatever happens. */
class Processes {
  cp: CpChild | undefined;
  workers: IpcPeer[] = [];

  async close(): Promise<void> {
    await Promise.all(this.workers.map(async (w) => {
      await w.call('stop', undefined, 10_000).catch(() => undefined);
      await w.stop(5_000);
    }));
    if (this.cp) {
      await this.cp.peer.call('stop', undefined, 15_000).catch(() => undefined);
      await this.cp.peer.stop(5_000);
    }
  }
}

/** Runs one scale scenario; child processes are killed at the end, also on failure. */
export async function benchScale(id: string, options: ScaleOptions): Promise<BenchResult> {
  const { proxies, mode } = options;
  // At the admission rate of today's control plane (about 25 new streams/s on 2 cores) 10,000
  // proxies need minutes: the default grows with N.
  const fanoutTimeoutMs = env('BENCH_SCALE_FANOUT_TIMEOUT_MS', Math.max(180_000, proxies * 100));
  const changeTimeoutMs = env('BENCH_SCALE_CHANGE_TIMEOUT_MS', Math.max(120_000, proxies * 30));
  const profileDir = process.env['BENCH_SCALE_CPU_PROFILE'];
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-scale-'));
  const procs = new Processes();
  const metrics: Record<string, Summary | number | string> = { proxies, mode, loadAverageAtStart: os.loadavg().map(round).join(' ') };
  try {
    log(id, `starting the control plane (data dir ${dataDir})`);
    procs.cp = await startCp(dataDir, id);
    const cp = procs.cp;
    const empty = await memory(cp, true);
    const seeded = await cp.peer.call<{ ms: number; resources: number }>('seed', { proxies }, 600_000);
    metrics['seedMs'] = round(seeded.ms);
    const afterSeed = await memory(cp, true);
    const workerCount = proxies <= 100 ? 1 : proxies <= 1_000 ? 2 : 4;
    metrics['workers'] = workerCount;
    metrics['simNice'] = simNice();
    procs.workers = startWorkers(workerCount, id);
    const ca = readFileSync(cp.caFile, 'utf8');
    const nodeIds = Array.from({ length: proxies }, (_, i) => gatewayNodeId(i));

    // Fan-out: every proxy connects at once.
    log(id, `fan-out of ${proxies} ${mode} proxies`);
    if (profileDir) await cp.peer.call('profile-start');
    const beforeFanout = await workerStats(procs.workers);
    const overflowsBefore = listenOverflows();
    await cp.peer.call('mark', {});
    await Promise.all(
      procs.workers.map((w, k) =>
        w.call('start', { address: cp.xdsAddress, ca, mode, nodeIds: nodeIds.filter((_, i) => i % workerCount === k) }, 120_000),
      ),
    );
    const fanout = await cp.peer
      .call<TypesResult>('await-types', { types: SUBSCRIBED_TYPES, from: 'mark', timeoutMs: fanoutTimeoutMs }, fanoutTimeoutMs + 30_000)
      .catch(async (err: unknown) => {
        throw await explain(err, procs.workers);
      });
    if (profileDir) log(id, `CPU profile: ${await cp.peer.call('profile-stop', { file: path.join(profileDir, `${id}-fanout.cpuprofile`) })}`);
    const afterFanout = await workerStats(procs.workers);
    metrics['fanout.allAckedMs'] = round(fanout.latencies.at(-1) ?? Number.NaN);
    metrics['fanout.p50Ms'] = round(pct(fanout.latencies, 50));
    metrics['fanout.p99Ms'] = round(pct(fanout.latencies, 99));
    metrics['fanout.perProxy'] = summarize(fanout.latencies);
    metrics['fanout.types'] = fanout.types.join(' ');
    metrics['fanout.refusedStreams'] = afterFanout.refused;
    metrics['fanout.listenOverflows'] = listenOverflows() - overflowsBefore;
    metrics['fanout.clientsOpenedMs'] = round(afterFanout.startMs);
    metrics['fanout.cpuMs'] = round(fanout.cpuUserMs + fanout.cpuSystemMs);
    metrics['fanout.cpuSystemMs'] = round(fanout.cpuSystemMs);
    metrics['fanout.simCpuMs'] = round(afterFanout.cpuMs - beforeFanout.cpuMs);
    Object.assign(metrics, loopDelayMetrics('fanout.loopDelay', fanout.loopDelay));
    Object.assign(metrics, stallMetrics('fanout.stall', fanout.stall));
    log(id, `fan-out: last proxy after ${metrics['fanout.allAckedMs']} ms, ${afterFanout.refused} streams refused and retried`);

    const connected = await memory(cp, false);
    const connectedGc = await memory(cp, true);
    Object.assign(metrics, {
      'memory.rssEmptyMiB': round(empty.rss / MIB),
      'memory.rssSeededMiB': round(afterSeed.rss / MIB),
      'memory.rssConnectedMiB': round(connected.rss / MIB),
      'memory.rssConnectedAfterGcMiB': round(connectedGc.rss / MIB),
      'memory.heapUsedConnectedAfterGcMiB': round(connectedGc.heapUsed / MIB),
      'memory.heapTotalConnectedAfterGcMiB': round(connectedGc.heapTotal / MIB),
      'memory.externalConnectedAfterGcMiB': round(connectedGc.external / MIB),
      'memory.arrayBuffersConnectedAfterGcMiB': round(connectedGc.arrayBuffers / MIB),
      'memory.rssPerProxyKiB': round((connectedGc.rss - empty.rss) / proxies / 1024),
    });

    if (options.changes > 0) Object.assign(metrics, await routeChanges(id, cp, procs.workers, options.changes, changeTimeoutMs, profileDir));

    if (options.restarts > 0) {
      Object.assign(metrics, await restarts(id, dataDir, procs, options.restarts, fanoutTimeoutMs, profileDir));
    }
    metrics['loadAverageAtEnd'] = os.loadavg().map(round).join(' ');
    return {
      id,
      description: `${proxies} gateway proxies (${mode} ADS over TLS, distinct addresses), 1 MeshGateway x 3 HTTP listeners, 50 routes; CP in its own process, embedded store, dataplane auth off`,
      metrics,
    };
  } finally {
    await procs.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One warm-up and `count` measured route changes. */
async function routeChanges(id: string, cp: CpChild, workers: readonly IpcPeer[], count: number, timeoutMs: number, profileDir: string | undefined): Promise<Record<string, Summary | number | string>> {
  const results: ChangeResult[] = [];
  const putMs: number[] = [];
  const getMax: number[] = [];
  const getAll: number[] = [];
  const getFailures: string[] = [];
  const simCpu: number[] = [];
  const getUrl = `${cp.apiUrl}${restPath(gatewayRoute(1))}`;
  for (let i = 0; i <= count; i++) {
    const profiling = profileDir !== undefined && i === 1;
    if (profiling) await cp.peer.call('profile-start');
    const simBefore = await workerStats(workers);
    await cp.peer.call('mark', { typeUrl: TypeUrl.RouteConfiguration });
    const prober = probeRest(getUrl, 200);
    putMs.push(await put(cp.apiUrl, gatewayRoute(0, i + 1)));
    const result = await cp.peer.call<ChangeResult>('await-change', { timeoutMs }, timeoutMs + 30_000);
    const simAfter = await workerStats(workers);
    const { latencies: gets, failures } = await prober.stop();
    if (failures.length > 0) log(id, `change ${i}: ${failures.length} REST GET(s) failed: ${failures.join('; ')}`);
    if (profiling) log(id, `CPU profile: ${await cp.peer.call('profile-stop', { file: path.join(profileDir, `${id}-change.cpuprofile`) })}`);
    if (result.notCurrent > 0) throw new Error(`change ${i}: ${result.notCurrent} proxies ACKed a version that is not their snapshot's`);
    log(id, `change ${i}${i === 0 ? ' (warm-up)' : ''}: last ACK after ${round(result.latencies.at(-1) ?? Number.NaN)} ms, CP CPU ${round(result.cpuUserMs + result.cpuSystemMs)} ms, loop delay max ${result.loopDelay.max} ms (longest stall ${result.stall.maxGapMs} ms: ran ${result.stall.maxGapRanMs}, waited for a core ${result.stall.maxGapWaitedMs}; longest run ${result.stall.maxRanMs} ms)`);
    if (i === 0) continue;
    results.push(result);
    simCpu.push(simAfter.cpuMs - simBefore.cpuMs);
    getMax.push(Math.max(...gets));
    getAll.push(...gets);
    getFailures.push(...failures);
  }
  const per = (f: (r: ChangeResult) => number): number[] => results.map(f);
  const metrics: Record<string, Summary | number | string> = {
    'change.lastAckMs': summarize(per((r) => r.latencies.at(-1) ?? Number.NaN)),
    'change.p50Ms': summarize(per((r) => pct(r.latencies, 50))),
    'change.p99Ms': summarize(per((r) => pct(r.latencies, 99))),
    'change.cpuMs': summarize(per((r) => r.cpuUserMs + r.cpuSystemMs)),
    'change.simCpuMs': summarize(simCpu),
    'change.loopDelayMaxMs': summarize(per((r) => r.loopDelay.max)),
    'change.loopDelayP99Ms': summarize(per((r) => r.loopDelay.p99)),
    'change.stallMaxMs': summarize(per((r) => r.stall.maxGapMs)),
    'change.stallMaxRanMs': summarize(per((r) => r.stall.maxGapRanMs)),
    'change.stallMaxWaitedMs': summarize(per((r) => r.stall.maxGapWaitedMs)),
    'change.longestRunMs': summarize(per((r) => r.stall.maxRanMs)),
    'change.gcMs': summarize(per((r) => r.stall.gcMs)),
    'change.gcMaxPauseMs': summarize(per((r) => r.stall.gcMaxPauseMs)),
    'change.majorGcs': median(per((r) => r.stall.majorGcs)),
    'change.restGetMaxMs': summarize(getMax),
    'change.restGetMs': summarize(getAll),
    'change.restGetFailures': getFailures.length,
    ...(getFailures.length > 0 ? { 'change.restGetFirstFailure': getFailures[0]! } : {}),
    'change.generationMs': summarize(per((r) => r.lastGenerationMs)),
    'change.putMs': summarize(putMs.slice(1)),
    'change.routeChanged': routeName(0),
  };
  for (const key of ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const) metrics[`change.loopDelay.${key}`] = median(per((r) => r.loopDelay[key]));
  return metrics;
}

/** kill -9 / restart rounds; replaces `procs.cp` with each new control plane. */
async function restarts(id: string, dataDir: string, procs: Processes, rounds: number, timeoutMs: number, profileDir: string | undefined): Promise<Record<string, Summary | number | string>> {
  const processReady: number[] = [];
  const reserved: number[] = [];
  const reservedP50: number[] = [];
  const identicalServer: number[] = [];
  const identicalClient: number[] = [];
  const resent: number[] = [];
  const refused: number[] = [];
  const loop: LoopDelay[] = [];
  for (let r = 0; r < rounds; r++) {
    const old = procs.cp!;
    const versionsBefore = await old.peer.call<Record<string, Record<string, string>>>('versions', undefined, 60_000);
    const digestsBefore = await digests(procs.workers);
    const statsBefore = await workerStats(procs.workers);
    log(id, `restart ${r + 1}/${rounds}: kill -9 of the control plane`);
    const t0 = performance.now();
    const exited = new Promise<void>((resolve) => old.peer.child.once('exit', () => resolve()));
    old.peer.child.kill('SIGKILL');
    await exited;
    procs.cp = undefined;
    const profiling = profileDir !== undefined && r === 0;
    const cp = await startCp(dataDir, id, { apiPort: old.apiPort, xdsPort: old.xdsPort }, profiling);
    procs.cp = cp;
    processReady.push(performance.now() - t0);
    const result = await cp.peer
      .call<TypesResult>('await-types', { types: SUBSCRIBED_TYPES, from: 'ready', timeoutMs }, timeoutMs + 30_000)
      .catch(async (err: unknown) => {
        throw await explain(err, procs.workers);
      });
    if (profiling) log(id, `CPU profile: ${await cp.peer.call('profile-stop', { file: path.join(profileDir, `${id}-restart.cpuprofile`) })}`);
    const versionsAfter = await cp.peer.call<Record<string, Record<string, string>>>('versions', undefined, 60_000);
    const digestsAfter = await digests(procs.workers);
    const statsAfter = await workerStats(procs.workers);
    reserved.push(result.latencies.at(-1) ?? Number.NaN);
    reservedP50.push(pct(result.latencies, 50));
    loop.push(result.loopDelay);
    const same = (a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean =>
      !!a && !!b && Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
    identicalServer.push(Object.keys(versionsBefore).filter((n) => same(versionsBefore[n], versionsAfter[n])).length);
    identicalClient.push(Object.keys(digestsBefore).filter((n) => digestsBefore[n] === digestsAfter[n]).length);
    resent.push(statsAfter.resources - statsBefore.resources);
    refused.push(statsAfter.refused - statsBefore.refused);
    log(id, `restart ${r + 1}: process ready after ${round(processReady.at(-1)!)} ms, last proxy re-served ${round(reserved.at(-1)!)} ms after ready; identical ${identicalServer.at(-1)} (server) / ${identicalClient.at(-1)} (client); ${resent.at(-1)} resources re-sent`);
  }
  const metrics: Record<string, Summary | number | string> = {
    'restart.processReadyMs': summarize(processReady),
    'restart.reservedMs': summarize(reserved),
    'restart.reservedP50Ms': summarize(reservedP50),
    'restart.identicalServer': Math.min(...identicalServer),
    'restart.identicalClient': Math.min(...identicalClient),
    'restart.resourcesResent': summarize(resent, 'resources'),
    'restart.refusedStreams': summarize(refused, 'streams'),
  };
  for (const key of ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const) metrics[`restart.loopDelay.${key}`] = median(loop.map((d) => d[key]));
  return metrics;
}
