// A worker process of the scale benchmark: runs many simulated Envoys (bench/sim-envoy.ts) and
// answers the driver over IPC (bench/ipc.ts). Forked by bench/scale.ts; never run by hand.
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
  /** Clients with an open stream that has received a response. */
  readonly connected: number;
}

const clients = new Map<string, SimEnvoy>();

async function start(args: WorkerStart): Promise<number> {
  // Opened in slices with a turn of the event loop between them, so the worker keeps reading
  // while it dials (all N still start within a few hundred milliseconds).
  for (let i = 0; i < args.nodeIds.length; i++) {
    const nodeId = args.nodeIds[i]!;
    const client = new SimEnvoy({ address: args.address, nodeId, mode: args.mode, ca: args.ca });
    clients.set(nodeId, client);
    client.start();
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  return clients.size;
}

function stats(): WorkerStats {
  const sum: SimStats = { streams: 0, refused: 0, broken: 0, responses: 0, resources: 0, acks: 0 };
  let connected = 0;
  for (const c of clients.values()) {
    for (const k of Object.keys(sum) as (keyof SimStats)[]) sum[k] += c.stats[k];
    if (c.connected) connected += 1;
  }
  return { ...sum, clients: clients.size, connected };
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
