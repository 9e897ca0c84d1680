// A worker process of the scale benchmark: runs many simulated Envoys (bench/sim-envoy.ts) and
// answers the driver over IPC (bench/ipc.ts). Forked by bench/scale.ts; never run by hand.
import * as grpc from '@grpc/grpc-js';
import { serveIpc } from './ipc.js';
import { SimEnvoy, type SimMode, type SimStats } from './sim-envoy.js';

/** Arguments of `start`. */
export interface WorkerStart {
  readonly address: string;
  readonly ca: string;
  readonly mode: SimMode;
  readonly nodeIds: readonly string[];
}

/** What `stats` answers. */
export interface WorkerStats extends SimStats {
  readonly clients: number;
  /** ms the worker took to open every client's first stream; -1 while it still is. */
  readonly startMs: number;
  /** Clients with an open stream that has received a response. */
  readonly connected: number;
  /** CPU (user + system) of this worker process so far, ms: the simulators' share of the cores. */
  readonly cpuMs: number;
}

const clients = new Map<string, SimEnvoy>();
/** ms this worker took to open every client's first stream (undefined while it still is). */
let startMs: number | undefined;

/**
 * Starts the clients and answers at once: opening thousands of channels takes the worker a
 * while, and the control plane's clock (not this call) measures the fan-out; `stats` says how
 * long the opening took, so a client-side bottleneck is visible.
 */
function start(args: WorkerStart): number {
  const t0 = performance.now();
  const credentials = grpc.credentials.createSsl(Buffer.from(args.ca));
  void (async () => {
    // Opened in slices with a turn of the event loop between them, so the worker keeps answering
    // the streams already open while it dials.
    for (let i = 0; i < args.nodeIds.length; i++) {
      const nodeId = args.nodeIds[i]!;
      const client = new SimEnvoy({ address: args.address, nodeId, mode: args.mode, ca: args.ca, credentials });
      clients.set(nodeId, client);
      client.start();
      if (i % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    startMs = performance.now() - t0;
  })();
  return args.nodeIds.length;
}

function stats(): WorkerStats {
  const sum: SimStats = { streams: 0, refused: 0, broken: 0, responses: 0, resources: 0, acks: 0 };
  let connected = 0;
  for (const c of clients.values()) {
    for (const k of Object.keys(sum) as (keyof SimStats)[]) sum[k] += c.stats[k];
    if (c.connected) connected += 1;
  }
  const cpu = process.cpuUsage();
  return { ...sum, clients: clients.size, connected, startMs: startMs ?? -1, cpuMs: (cpu.user + cpu.system) / 1000 };
}

serveIpc({
  start: (args: WorkerStart) => start(args),
  stats: () => stats(),
  /** nodeId -> digest of the config it holds. */
  digests: () => Object.fromEntries([...clients].map(([id, c]) => [id, c.heldDigest()])),
  /** Per node: subscriptions and held versions (for a few nodes, to explain a failure). */
  describe: (args: { nodeIds: readonly string[] }) =>
    Object.fromEntries(
      args.nodeIds.flatMap((id) => {
        const c = clients.get(id);
        return c ? [[id, { connected: c.connected, lastStatus: c.lastStreamStatus, served: c.served(), subscriptions: c.subscriptions(), stats: c.stats }]] : [];
      }),
    ),
  stop: () => {
    for (const c of clients.values()) c.close();
    clients.clear();
    setTimeout(() => process.exit(0), 50);
    return true;
  },
});
process.on('disconnect', () => process.exit(0));
