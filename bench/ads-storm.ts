// Many ADS streams against one in-process server (docs/xds-server.md §20 S6, and the per-stream memory
// of issue 9): the server runs in this process on 127.0.0.1 (plain gRPC), the simulated proxies run
// in a forked child so their memory and CPU are not counted as the server's. Every proxy has its
// own connection (like Envoy), subscribes CDS, EDS, LDS and RDS of a ~60-resource snapshot, ACKs
// every response, and honours `grpc-retry-pushback-ms` on RESOURCE_EXHAUSTED (otherwise it backs
// off like Envoy: jittered exponential from 500 ms up to 30 s).
//
//   npm run build
//   node --expose-gc dist/bench/ads-storm.js memory sotw 2000   # server heap/RSS per idle stream
//   node --expose-gc dist/bench/ads-storm.js connections sotw 2000  # the same for bare connections (the floor)
//   node --expose-gc dist/bench/ads-storm.js state sotw 2000    # AdsStream state alone, on null calls (NO_DELIVERY=1: without the cache's delivery status)
//   node dist/bench/ads-storm.js storm sotw 1000 3              # N streams opened at once: time to all served
//                                                               # (ADMISSION=off|<rate>,<burst>, FIRST_PUSHES=<k>)
//
// Figures are for a shared 2-core machine; report medians, never assert them in tests.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { writeHeapSnapshot } from 'node:v8';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { SnapshotCache } from '../src/xds/cache/snapshot-cache.js';
import { buildSnapshot } from '../src/xds/cache/snapshot.js';
import { TypeUrl } from '../src/xds/cache/resource-types.js';
import { createAdsServer, type AdsServerOptions } from '../src/xds/server/ads-server.js';
import { NO_AUTHENTICATION } from '../src/xds/server/proxy-authentication.js';
import { AdsStream, type StreamDeps } from '../src/xds/server/ads-stream.js';
import { SOTW_PROTOCOL } from '../src/xds/server/sotw-stream.js';
import { DELTA_PROTOCOL } from '../src/xds/server/delta-stream.js';
import { Semaphore } from '../src/xds/server/flow-control.js';
import { gatewayInput, type GatewayShape } from '../test/support/ads-fixtures.js';
import { StormProxy, type StormSubscription } from '../test/support/storm-proxy.js';

type Mode = 'sotw' | 'delta';

/** 28 clusters with their assignments, 2 listeners, 2 route configurations: 60 resources. */
export function stormShape(): GatewayShape {
  const names = Array.from({ length: 28 }, (_, i) => `backend-${String(i).padStart(2, '0')}`);
  return {
    clusters: Object.fromEntries(names.map((n, i) => [n, [9000 + i, 10_000 + i]])),
    listeners: { http: [8080, 'http-routes'], admin: [8081, 'admin-routes'] },
    routes: { 'http-routes': names, 'admin-routes': names.slice(0, 4) },
  };
}

const SHAPE = stormShape();
const SUBSCRIPTIONS: readonly StormSubscription[] = [
  [TypeUrl.Cluster, []],
  [TypeUrl.ClusterLoadAssignment, Object.keys(SHAPE.clusters)],
  [TypeUrl.Listener, []],
  [TypeUrl.RouteConfiguration, Object.keys(SHAPE.routes)],
];

// ---------------------------------------------------------------- server side (this process)

interface ServerUnderTest {
  readonly address: string;
  readonly streamCount: () => number;
  /** Publishes the shared snapshot for the node ids `default.<prefix>-<i>`, i < count. */
  prepare(prefix: string, count: number): void;
  close(): Promise<void>;
}

async function startServer(options: Partial<AdsServerOptions>): Promise<ServerUnderTest> {
  const cache = new SnapshotCache();
  const ads = createAdsServer({ cache, logger: pino({ level: 'silent' }), authentication: NO_AUTHENTICATION, ...options });
  const port = await ads.listen('127.0.0.1', 0);
  const snapshot = buildSnapshot(gatewayInput(SHAPE));
  cache.setReady();
  return {
    address: `127.0.0.1:${port}`,
    streamCount: () => ads.streamCount(),
    // Every proxy is a replica of one gateway: one shared snapshot object, as in production.
    prepare: (prefix, count) => {
      for (let i = 0; i < count; i++) cache.set(`default.${prefix}-${i}`, snapshot);
    },
    close: () => ads.close(),
  };
}

interface ClientReport {
  readonly served: number;
  readonly ms: number;
  readonly refusals: number;
  /** CPU time the client process spent, ms (user + system). */
  readonly clientCpuMs: number;
}

function runClients(child: ChildProcess, server: ServerUnderTest, mode: Mode, count: number, prefix: string, connectOnly = false): Promise<ClientReport> {
  server.prepare(prefix, count);
  const address = server.address;
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string } & ClientReport) => {
      if (msg.type !== 'served') return;
      child.off('message', onMessage);
      resolve(msg);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`client process exited with ${code}`)));
    child.send({ type: 'open', address, mode, count, prefix, connectOnly });
  });
}

function spawnClients(): ChildProcess {
  return fork(process.argv[1]!, ['client'], { stdio: 'inherit', execArgv: ['--max-old-space-size=4096'] });
}

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 4; i++) collect();
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kib = (bytes: number) => Math.round(bytes / 102.4) / 10;

async function memory(mode: Mode, count: number, connectOnly = false): Promise<void> {
  // GRPC_OPTIONS='{"grpc.enable_channelz":0}' compares server options.
  const grpcOptions = process.env['GRPC_OPTIONS'] ? (JSON.parse(process.env['GRPC_OPTIONS']) as grpc.ServerOptions) : undefined;
  const server = await startServer({ admission: false, ...(grpcOptions ? { grpcOptions } : {}) });
  const child = spawnClients();
  // Warm-up: code paths and lazily built tables exist before the baseline is taken.
  await runClients(child, server, mode, 20, 'warm');
  child.send({ type: 'close' });
  await sleep(500);
  gc();
  await sleep(200);
  gc();
  server.prepare('mem', count);
  gc();
  const before = process.memoryUsage();
  const report = await runClients(child, server, mode, count, 'mem', connectOnly);
  await sleep(1500);
  gc();
  await sleep(200);
  gc();
  const after = process.memoryUsage();
  if (process.env['HEAP_SNAPSHOT']) writeHeapSnapshot(process.env['HEAP_SNAPSHOT']);
  const streams = server.streamCount();
  process.stdout.write(
    `${connectOnly ? `${count} connections without streams (connected in ${report.ms} ms)` : `${mode} ${count} streams (${streams} open, served in ${report.ms} ms)`}: ` +
      `heap ${kib(after.heapUsed - before.heapUsed) / count} KiB/proxy ` +
      `(${kib(before.heapUsed)} -> ${kib(after.heapUsed)} KiB), rss ${kib(after.rss - before.rss) / count} KiB/proxy ` +
      `(${kib(before.rss)} -> ${kib(after.rss)} KiB), V8 heap committed ${kib(after.heapTotal - before.heapTotal) / count} KiB/proxy, external+buffers ${kib(after.external - before.external) / count} KiB/proxy\n`,
  );
  child.kill();
  await server.close();
}

async function storm(mode: Mode, count: number, runs: number, options: Partial<AdsServerOptions>): Promise<void> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const server = await startServer(options);
    const child = spawnClients();
    const cpuStart = process.cpuUsage();
    const report = await runClients(child, server, mode, count, `storm${run}`);
    const cpu = process.cpuUsage(cpuStart);
    times.push(report.ms);
    process.stdout.write(
      `run ${run + 1}: ${count} ${mode} streams opened at once, all served after ${report.ms} ms (${report.refusals} refusals; ` +
        `CPU: server ${Math.round((cpu.user + cpu.system) / 1000)} ms, clients ${report.clientCpuMs} ms)\n`,
    );
    child.kill();
    await server.close();
    await sleep(500);
  }
  const sorted = [...times].sort((a, b) => a - b);
  process.stdout.write(`median ${sorted[Math.floor(sorted.length / 2)]} ms over ${runs} runs\n`);
}

/** What `createAdsServer` hands each stream, with its defaults (streams share it). */
function streamDeps(cache: SnapshotCache): StreamDeps {
  return {
    cache,
    logger: pino({ level: 'info' }, { write: () => undefined }).child({ component: 'ads' }),
    settings: {
      nackBackoffMs: 5000,
      maxTypeUrlsPerStream: 16,
      maxNamesPerRequest: 100_000,
      maxQueuedRequests: 64,
      sendTimeoutMs: 30_000,
      controlPlaneId: 'portico',
      authentication: NO_AUTHENTICATION,
      now: Date.now,
    },
    pushLimiter: new Semaphore(25),
    onClosed: () => undefined,
  };
}

/** A call with the ServerDuplexStream surface AdsStream uses; writes go nowhere. */
class NullCall extends EventEmitter {
  readonly metadata = new grpc.Metadata();
  readonly sent: Array<Record<string, unknown>> = [];
  write(message: Record<string, unknown>): boolean {
    this.last = message;
    return true;
  }
  last: Record<string, unknown> | undefined;
  end(): void {}
  getPeer(): string {
    return 'null';
  }
}

/** AdsStream state alone: N streams on null calls, every response ACKed (no gRPC objects). */
async function streamState(mode: Mode, count: number): Promise<void> {
  const cache = new SnapshotCache();
  cache.setReady();
  const snapshot = buildSnapshot(gatewayInput(SHAPE));
  for (let i = 0; i < count; i++) cache.set(`default.state-${i}`, snapshot);
  // NO_DELIVERY=1 leaves out the per-node delivery status (the cache's part) to see the stream's alone.
  if (process.env['NO_DELIVERY']) for (const k of ['streamOpened', 'streamClosed', 'recordSent', 'recordAck', 'recordNack'] as const) cache.delivery[k] = () => undefined;
  const protocol = mode === 'sotw' ? SOTW_PROTOCOL : DELTA_PROTOCOL;
  const deps = streamDeps(cache);
  const calls: NullCall[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    const call = new NullCall();
    calls.push(call);
    const stream = new AdsStream(call as never, protocol as never, deps);
    stream.start();
    const acks = (msg: Record<string, unknown>) => {
      const typeUrl = msg['type_url'] as string;
      const names = SUBSCRIPTIONS.find(([t]) => t === typeUrl)![1];
      return mode === 'sotw'
        ? { type_url: typeUrl, version_info: msg['version_info'], response_nonce: msg['nonce'], resource_names: names }
        : { type_url: typeUrl, response_nonce: msg['nonce'] };
    };
    call.write = (message) => {
      setImmediate(() => call.emit('data', acks(message)));
      return true;
    };
    let first = true;
    for (const [typeUrl, names] of SUBSCRIPTIONS) {
      const node = first ? { node: { id: `default.state-${i}` } } : {};
      first = false;
      call.emit('data', mode === 'sotw' ? { ...node, type_url: typeUrl, resource_names: names } : { ...node, type_url: typeUrl, resource_names_subscribe: names });
    }
  }
  await sleep(2000);
  gc();
  const after = process.memoryUsage().heapUsed;
  process.stdout.write(`${mode} ${count} AdsStreams on null calls: heap ${kib(after - before) / count} KiB/stream\n`);
  if (process.env['HEAP_SNAPSHOT']) writeHeapSnapshot(process.env['HEAP_SNAPSHOT']);
  calls.length = 0;
}

// ---------------------------------------------------------------- client side (forked child)

function clientMain(): void {
  let proxies: StormProxy[] = [];
  process.on('message', (msg: { type: string; address: string; mode: Mode; count: number; prefix: string; connectOnly: boolean }) => {
    if (msg.type === 'close') {
      for (const p of proxies) p.close();
      proxies = [];
      return;
    }
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    let served = 0;
    const batch: StormProxy[] = [];
    const done = () => {
      if (++served < msg.count) return;
      const refusals = batch.reduce((n, p) => n + p.refusals, 0);
      const cpu = process.cpuUsage(cpuStart);
      process.send!({ type: 'served', served, ms: Math.round(performance.now() - start), refusals, clientCpuMs: Math.round((cpu.user + cpu.system) / 1000) });
    };
    for (let i = 0; i < msg.count; i++) batch.push(new StormProxy(msg.address, `default.${msg.prefix}-${i}`, msg.mode, SUBSCRIPTIONS, done));
    for (const p of batch) (msg.connectOnly ? p.connect(done) : p.open());
    proxies.push(...batch);
  });
}

/** ADMISSION=off or ADMISSION=<rate>,<burst>; FIRST_PUSHES=<n>; default: the server's defaults. */
function stormOptions(): Partial<AdsServerOptions> {
  const admission = process.env['ADMISSION'];
  const firstPushes = process.env['FIRST_PUSHES'];
  const [rate, burst] = (admission ?? '').split(',').map(Number);
  return {
    ...(admission === 'off' ? { admission: false } : admission ? { admission: { ratePerSecond: rate!, burst: burst! } } : {}),
    ...(firstPushes ? { maxConcurrentFirstPushes: Number(firstPushes) } : {}),
  };
}

async function main(): Promise<void> {
  const [what, mode = 'sotw', countArg = '1000', runsArg = '3'] = process.argv.slice(2);
  if (what === 'client') return clientMain();
  const count = Number(countArg);
  if (mode !== 'sotw' && mode !== 'delta') throw new Error('mode must be sotw or delta');
  if (what === 'memory') await memory(mode, count);
  else if (what === 'connections') await memory(mode, count, true);
  else if (what === 'state') await streamState(mode, count);
  else if (what === 'storm') await storm(mode, count, Number(runsArg), stormOptions());
  else throw new Error('usage: ads-storm.js memory|storm sotw|delta <count> [runs]');
}

main().catch((err: unknown) => {
  process.stderr.write(`ads-storm failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
