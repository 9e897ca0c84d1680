// The control plane of the scale benchmark, in a process of its own (so the driver can kill -9 it
// and its CPU, memory and event loop are measured alone). It starts `startControlPlane` on the
// embedded store in the data directory it is given (REST and dataplane ports chosen by the OS, TLS
// on the dataplane port with the generated CA, dataplane authentication off, silent logger), sends
// `ready`, then answers the driver's commands over IPC (bench/ipc.ts).
//
// Every timestamp is this process's `performance.now()`: "the change started" is the `mark`
// command, received just before the driver sends its PUT; "a proxy has it" is the delivery ACK
// event (cache.delivery.onAck). ACKs are tracked here and only results cross the IPC channel: one
// answer per wait, never a message per ACK.
//
// argv[2]: JSON { dataDir, debounceMs?, apiPort?, xdsPort?, profileStartup? } (ports default to 0: OS-chosen; a
// restarted control plane takes its predecessor's, so the proxies find it where they dial).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { DEFAULT_CONFIG, startControlPlane } from '../src/runtime/control-plane.js';
import { shortTypeName } from '../src/xds/cache/resource-types.js';
import { sendEvent, serveIpc } from './ipc.js';
import { startStallMonitor, type StallSplit } from './stall-monitor.js';
import { scaleWriteOps } from './scale-fixtures.js';

/** Event-loop delay percentiles in ms (perf_hooks histogram, 10 ms resolution). */
export interface LoopDelay {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Answer of `await-change`. */
export interface ChangeResult {
  /** Per proxy: ms from the mark to its ACK of a new version of the type, ascending. */
  readonly latencies: number[];
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly loopDelay: LoopDelay;
  /** The longest stall split into the CP's own running and its waiting for a core. */
  readonly stall: StallSplit;
  /** Proxies whose ACKed version is not the one in their snapshot now (should be 0). */
  readonly notCurrent: number;
  readonly newVersion: string;
  readonly lastGenerationMs: number;
}

/** Answer of `await-types`. */
export interface TypesResult {
  /** Per proxy: ms from the reference point to its last needed ACK, ascending. */
  readonly latencies: number[];
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly loopDelay: LoopDelay;
  readonly stall: StallSplit;
  /** Short names of the types waited for (those the snapshot has resources of). */
  readonly types: string[];
}

const settings = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; debounceMs?: number; apiPort?: number; xdsPort?: number; profileStartup?: boolean };
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
const stalls = startStallMonitor();
let profiler: Session | undefined;

async function startProfile(): Promise<void> {
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
  await profiler.post('Profiler.start');
}

// A restart is profiled from before the start (stopped by the driver's `profile-stop`).
if (settings.profileStartup) await startProfile();

const cp = await startControlPlane({
  ...DEFAULT_CONFIG,
  store: 'embedded',
  dataDir: settings.dataDir,
  apiPort: settings.apiPort ?? 0,
  xdsPort: settings.xdsPort ?? 0,
  debounceMs: settings.debounceMs ?? DEFAULT_CONFIG.debounceMs,
  dataplaneAuth: 'none',
  apiAuth: { localhostIsAdmin: true, bootstrapAdminToken: false },
  logger: pino({ level: 'silent' }),
});
const readyAt = performance.now();

/** nodeId -> typeUrl -> last ACKed version and when. */
const acked = new Map<string, Map<string, { version: string; at: number }>>();
const ackListeners = new Set<(nodeId: string, typeUrl: string, version: string, at: number) => void>();
cp.cache.delivery.onAck((e) => {
  const at = performance.now();
  let types = acked.get(e.nodeId);
  if (!types) acked.set(e.nodeId, (types = new Map()));
  types.set(e.typeUrl, { version: e.version, at });
  for (const l of ackListeners) l(e.nodeId, e.typeUrl, e.version, at);
});

let mark = { at: 0, cpu: process.cpuUsage(), baseline: new Map<string, string | undefined>(), typeUrl: '' };
function loopDelay(): LoopDelay {
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return {
    count: eld.count,
    min: ms(eld.min),
    mean: ms(eld.mean),
    p50: ms(eld.percentile(50)),
    p90: ms(eld.percentile(90)),
    p99: ms(eld.percentile(99)),
    p999: ms(eld.percentile(99.9)),
    max: ms(eld.max),
  };
}

function snapshotVersion(nodeId: string, typeUrl: string): string | undefined {
  return cp.cache.get(nodeId)?.types.get(typeUrl)?.version;
}

/** Writes the scale fixture with N gateway proxies straight to the store, in a few transactions. */
async function seed(args: { proxies: number }): Promise<{ ms: number; resources: number }> {
  const t0 = performance.now();
  const ops = scaleWriteOps(args.proxies);
  for (let i = 0; i < ops.length; i += 2_000) await cp.store.commit(ops.slice(i, i + 2_000));
  await cp.flush();
  return { ms: performance.now() - t0, resources: ops.length };
}

/** Starts a measurement: time, CPU and event-loop histogram; for a change, each proxy's ACKed version of the type. */
function setMark(args: { typeUrl?: string }): void {
  const baseline = new Map<string, string | undefined>();
  if (args.typeUrl) for (const nodeId of cp.snapshots.nodeIds('gateway')) baseline.set(nodeId, acked.get(nodeId)?.get(args.typeUrl)?.version);
  eld.reset();
  stalls.reset();
  mark = { at: performance.now(), cpu: process.cpuUsage(), baseline, typeUrl: args.typeUrl ?? '' };
}

function missingReport(pending: Set<string>, what: (nodeId: string) => string): string {
  const sample = [...pending].sort().slice(0, 10).map((n) => `${n}: ${what(n)}`);
  return `${pending.size} of ${cp.snapshots.nodeIds('gateway').length} proxies missing (open streams: ${cp.adsServer.streamCount()}); first ones:\n  ${sample.join('\n  ')}`;
}

/** Resolves once every proxy ACKed a version of the marked type other than its baseline. */
function awaitChange(args: { timeoutMs: number }): Promise<ChangeResult> {
  const { typeUrl, baseline, at: t0, cpu: cpu0 } = mark;
  const latencies: number[] = [];
  const pending = new Set(baseline.keys());
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      const cpu = process.cpuUsage(cpu0);
      const delay = loopDelay();
      ackListeners.delete(listener);
      clearTimeout(timer);
      const nodes = [...baseline.keys()];
      const newVersion = snapshotVersion(nodes[0] ?? '', typeUrl) ?? '';
      const stale = nodes.filter((n) => acked.get(n)?.get(typeUrl)?.version !== snapshotVersion(n, typeUrl));
      const notCurrent = stale.length;
      if (notCurrent > 0) process.stderr.write(`not current: ${stale.slice(0, 5).map((n) => `${n} acked ${acked.get(n)?.get(typeUrl)?.version} snapshot ${snapshotVersion(n, typeUrl)} watchers ${cp.cache.watcherCount(n)}`).join('; ')}\n`);
      resolve({
        latencies: latencies.sort((a, b) => a - b),
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        loopDelay: delay,
        stall: stalls.read(),
        notCurrent,
        newVersion,
        lastGenerationMs: cp.snapshots.stats.lastGenerationMs,
      });
    };
    const listener = (nodeId: string, t: string, version: string, at: number): void => {
      if (t !== typeUrl || !pending.has(nodeId) || version === baseline.get(nodeId)) return;
      pending.delete(nodeId);
      latencies.push(at - t0);
      if (pending.size === 0) finish();
    };
    const timer = setTimeout(() => {
      ackListeners.delete(listener);
      reject(new Error(`not every proxy ACKed a new ${shortTypeName(typeUrl)} version within ${args.timeoutMs} ms: ${missingReport(pending, (n) => `ACKed ${acked.get(n)?.get(typeUrl)?.version ?? 'nothing'}, baseline ${baseline.get(n) ?? 'none'}, snapshot ${snapshotVersion(n, typeUrl) ?? 'none'}`)}`));
    }, args.timeoutMs);
    ackListeners.add(listener);
    if (pending.size === 0) finish();
  });
}

/**
 * Resolves once every proxy has ACKed, for each of `types` its snapshot has resources of, the
 * snapshot's current version. Latencies count from the mark or from `ready`.
 */
function awaitTypes(args: { types: readonly string[]; from: 'mark' | 'ready'; timeoutMs: number }): Promise<TypesResult> {
  const t0 = args.from === 'ready' ? readyAt : mark.at;
  const cpu0 = mark.cpu;
  const nodes = cp.snapshots.nodeIds('gateway');
  const needed = (nodeId: string): string[] => args.types.filter((t) => (cp.cache.get(nodeId)?.types.get(t)?.resources.size ?? 0) > 0);
  const doneAt = (nodeId: string): number | undefined => {
    let last = -Infinity;
    for (const t of needed(nodeId)) {
      const a = acked.get(nodeId)?.get(t);
      if (!a || a.version !== snapshotVersion(nodeId, t)) return undefined;
      last = Math.max(last, a.at);
    }
    return last;
  };
  const latencies: number[] = [];
  const pending = new Set<string>();
  for (const n of nodes) {
    // A proxy that ACKed nothing yet is pending; reading its snapshot here would make the CP build
    // every unwatched proxy's snapshot in one synchronous loop at the mark (about 200 ms at 1,000
    // proxies), a stall of the harness's making that no real caller causes.
    const at = acked.has(n) ? doneAt(n) : undefined;
    if (at === undefined) pending.add(n);
    else latencies.push(at - t0);
  }
  const typeNames = [...new Set(nodes.slice(0, 1).flatMap(needed))].map(shortTypeName);
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      const cpu = process.cpuUsage(cpu0);
      ackListeners.delete(listener);
      clearTimeout(timer);
      resolve({ latencies: latencies.sort((a, b) => a - b), cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, loopDelay: loopDelay(), stall: stalls.read(), types: typeNames });
    };
    const listener = (nodeId: string): void => {
      if (!pending.has(nodeId)) return;
      const at = doneAt(nodeId);
      if (at === undefined) return;
      pending.delete(nodeId);
      latencies.push(at - t0);
      if (pending.size === 0) finish();
    };
    const timer = setTimeout(() => {
      ackListeners.delete(listener);
      const what = (n: string): string =>
        needed(n)
          .map((t) => `${shortTypeName(t)} ${acked.get(n)?.get(t)?.version ?? 'not ACKed'}${acked.get(n)?.get(t)?.version === snapshotVersion(n, t) ? '' : ` (want ${snapshotVersion(n, t)})`}`)
          .join(', ');
      reject(new Error(`not every proxy ACKed ${typeNames.join('/')} within ${args.timeoutMs} ms: ${missingReport(pending, what)}`));
    }, args.timeoutMs);
    ackListeners.add(listener);
    if (pending.size === 0) finish();
  });
}

serveIpc({
  seed: (args: { proxies: number }) => seed(args),
  mark: (args: { typeUrl?: string }) => setMark(args),
  'await-change': (args: { timeoutMs: number }) => awaitChange(args),
  'await-types': (args: { types: string[]; from: 'mark' | 'ready'; timeoutMs: number }) => awaitTypes(args),
  'loop-delay': () => loopDelay(),
  usage: () => ({ cpu: process.cpuUsage(), memory: process.memoryUsage(), streams: cp.adsServer.streamCount(), proxies: cp.snapshots.nodeIds('gateway').length }),
  /** Full GC (when started with --expose-gc), then memory usage. */
  gc: () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    return { collected: gc !== undefined, memory: process.memoryUsage() };
  },
  /** nodeId -> short type name -> ACKed version. */
  versions: () =>
    Object.fromEntries([...acked].map(([n, types]) => [n, Object.fromEntries([...types].map(([t, a]) => [shortTypeName(t), a.version]))])),
  'profile-start': () => startProfile(),
  'profile-stop': async (args: { file: string }) => {
    if (!profiler) throw new Error('no profile running');
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(args.file, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
    return args.file;
  },
  stop: async () => {
    await cp.stop();
    setTimeout(() => process.exit(0), 20);
    return true;
  },
});
process.on('disconnect', () => process.exit(0));
sendEvent('ready', { apiPort: cp.apiPort, xdsPort: cp.xdsPort, caFile: cp.caFile ?? '' });
