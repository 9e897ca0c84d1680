// Shared delivery between replicas: the board contract, run on the memory board and on the real
// PostgreSQL server of the tests, and SharedDelivery's publishing (only changes, removals when a
// proxy leaves, retry after a failed tick) and lookup (own proxies first, then the live others).
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { PostgresStore } from '../core/postgres-store.js';
import type { ProxyDelivery } from '../gateway/status.js';
import type { NodeDelivery } from '../xds/cache/delivery-status.js';
import { startFakeKubeApi, type FakeKubeApi } from '../../test/support/fake-kube-api/index.js';
import { KubernetesDeliveryBoard, boardConfigMapName, entriesText } from './kubernetes-delivery-board.js';
import { PostgresDeliveryBoard } from './postgres-delivery-board.js';
import { MemoryDeliveryBoard, preferred, SharedDelivery, sharedProxyFromJson, sharedProxyToJson, type DeliveryBoard, type DeliveryPublication, type LocalDelivery, type SharedProxy } from './shared-delivery.js';

const logger = pino({ level: 'silent' });
const ACKED: ProxyDelivery = { connected: true, acked: true };
const PENDING: ProxyDelivery = { connected: true, acked: false };
const REJECTED: ProxyDelivery = { connected: true, acked: true, rejected: [{ type: 'Listener', resources: ['l1'], detail: 'bad port' }] };
const GONE: ProxyDelivery = { connected: false, acked: false };

function publication(upserts: Record<string, ProxyDelivery>, removals: string[] = []): DeliveryPublication {
  return { upserts: new Map(Object.entries(upserts).map(([id, delivery]) => [id, { delivery }])), removals };
}

/** The summaries of a board read. */
function summaries(read: ReadonlyMap<string, SharedProxy>): Record<string, ProxyDelivery> {
  return Object.fromEntries([...read].map(([id, entry]) => [id, entry.delivery]));
}

let db: TestDatabase;
beforeAll(async () => {
  fake = await startFakeKubeApi({ namespaces: ['portico-system'] });
  db = await createTestDatabase();
  // The store migrates the schema, the board's tables included.
  await (await PostgresStore.open({ connection: { connectionString: db.url }, logger })).close();
}, 60_000);
afterAll(async () => {
  await db?.drop();
  await fake?.close();
});

// Each board kind with a way to make a replica's heartbeat old: the memory board's clock, and for
// Postgres a heartbeat written back in time (what a replica killed a while ago leaves).
const boards: { name: string; make: () => { board: DeliveryBoard; age: (replica: string, ms: number) => Promise<void> } }[] = [
  {
    name: 'memory',
    make: () => {
      let now = 1_000_000;
      const board = new MemoryDeliveryBoard(() => now);
      // The clock moves for every replica: the test renews the heartbeats it wants to keep.
      return { board, age: async (_replica, ms) => void (now += ms) };
    },
  },
  {
    name: 'postgres',
    make: () => {
      const board = new PostgresDeliveryBoard({ connection: { connectionString: db.url } });
      return {
        board,
        age: async (replica, ms) => {
          const admin = new pg.Client({ connectionString: db.url });
          await admin.connect();
          await admin.query("UPDATE delivery_replicas SET heartbeat_at = heartbeat_at - $2 * interval '1 millisecond' WHERE replica = $1", [replica, ms]);
          await admin.end();
        },
      };
    },
  },
];

// Kubernetes: ConfigMaps on the fake API server. Liveness is what this board saw change, on its
// own clock: aging a replica is a read (the board sees it) and then time passing.
let fake: FakeKubeApi;
boards.push({
  name: 'kubernetes',
  make: () => {
    let now = 1_000_000;
    const board = new KubernetesDeliveryBoard({ kubeConfig: fake.kubeConfig(), namespace: 'portico-system', now: () => now });
    return {
      board,
      age: async (_replica, ms) => {
        await board.readOthers('an observer', Number.MAX_SAFE_INTEGER);
        now += ms;
      },
    };
  },
});

describe.each(boards)('the $name delivery board', ({ make }) => {
  it("gives each replica the others' entries, not its own, and applies upserts and removals", async () => {
    const { board } = make();
    const [a, b] = [`a-${Math.random()}`, `b-${Math.random()}`];
    await board.publish(a, publication({ 'default.gw-1': ACKED, 'default.gw-2': PENDING }));
    await board.publish(b, publication({ 'default.gw-3': REJECTED }));
    expect(summaries(await board.readOthers(b, 60_000))).toEqual({ 'default.gw-1': ACKED, 'default.gw-2': PENDING });
    expect(summaries(await board.readOthers(a, 60_000))).toEqual({ 'default.gw-3': REJECTED });

    await board.publish(a, publication({ 'default.gw-2': ACKED }, ['default.gw-1']));
    expect(summaries(await board.readOthers(b, 60_000))).toEqual({ 'default.gw-2': ACKED });
    // A heartbeat without changes keeps the entries.
    await board.publish(a, publication({}));
    expect(summaries(await board.readOthers(b, 60_000))).toEqual({ 'default.gw-2': ACKED });
    await board.withdraw(a);
    await board.withdraw(b);
    await board.close();
  });

  it('ignores a replica whose heartbeat is older than the staleness limit, and withdrawn ones', async () => {
    const { board, age } = make();
    const [a, b, c] = [`a-${Math.random()}`, `b-${Math.random()}`, `c-${Math.random()}`];
    await board.publish(a, publication({ 'default.gw-1': ACKED }));
    await board.publish(c, publication({ 'default.gw-9': ACKED }));
    await age(a, 10_000);
    await board.publish(c, publication({}));
    expect([...(await board.readOthers(b, 5_000)).keys()]).toEqual(['default.gw-9']);
    await board.withdraw(c);
    expect((await board.readOthers(b, 5_000)).size).toBe(0);
    // Back with a heartbeat, a's entries count again.
    await board.publish(a, publication({}));
    expect([...(await board.readOthers(b, 5_000)).keys()]).toEqual(['default.gw-1']);
    await board.withdraw(a);
    await board.close();
  });

  it('prefers a connected and ACKed report where two replicas report one proxy', async () => {
    const { board } = make();
    const [a, b, reader] = [`a-${Math.random()}`, `b-${Math.random()}`, `r-${Math.random()}`];
    await board.publish(a, publication({ 'default.moving': PENDING }));
    await board.publish(b, publication({ 'default.moving': ACKED }));
    expect((await board.readOthers(reader, 60_000)).get('default.moving')?.delivery).toEqual(ACKED);
    await board.withdraw(a);
    await board.withdraw(b);
    await board.close();
  });
});

describe('the Kubernetes board', () => {
  it('names ConfigMaps DNS-safely and uniquely per replica', () => {
    expect(boardConfigMapName('portico-control-plane-7d9f-abcde')).toMatch(/^portico-delivery-portico-control-plane-7d9f-abcde-[0-9a-f]{8}$/);
    expect(boardConfigMapName('Host_1')).not.toBe(boardConfigMapName('host-1'));
    expect(boardConfigMapName('Host_1')).toMatch(/^[a-z0-9-]+$/);
  });

  it('keeps entries compact: the summary and connection facts, no per-type records', () => {
    const at = new Date('2026-12-05T08:00:00Z');
    const entry: SharedProxy = {
      delivery: REJECTED,
      node: { nodeId: 'default.gw-1', connectedStreams: 1, lastConnectedAt: at, adminPort: 9901, types: [{ typeUrl: 't', sentVersion: 'v', sends: 9, acks: 9 }] },
    };
    const text = entriesText(new Map([['default.gw-1', entry]]));
    expect(JSON.parse(text)).toEqual({ 'default.gw-1': { delivery: REJECTED, node: { nodeId: 'default.gw-1', connectedStreams: 1, lastConnectedAt: at.toISOString(), adminPort: 9901, types: [] } } });
    expect(text.length).toBeLessThan(300);
  });

  it('writes an unchanged replica only as a heartbeat every two seconds, so readers see it alive', async () => {
    let now = 0;
    let writes = 0;
    const board = new KubernetesDeliveryBoard({ kubeConfig: fake.kubeConfig(), namespace: 'portico-system', now: () => now });
    const reader = new KubernetesDeliveryBoard({ kubeConfig: fake.kubeConfig(), namespace: 'portico-system', now: () => now });
    const version = async () => {
      const cms = await reader.readOthers('reader', Number.MAX_SAFE_INTEGER);
      return cms;
    };
    await board.publish('hb', publication({ 'default.hb-1': ACKED }));
    expect((await version()).size).toBeGreaterThanOrEqual(1);
    for (let t = 1; t <= 6; t++) {
      now = t * 1_000;
      await board.publish('hb', publication({}));
      // A read at 3 s' staleness still sees hb: it rewrote itself at 2 s, 4 s and 6 s.
      if ((await reader.readOthers('reader', 3_000)).has('default.hb-1')) writes++;
    }
    expect(writes).toBe(6);
    await board.withdraw('hb');
  });
});

describe('sharedProxyFromJson', () => {
  it('reads back what sharedProxyToJson wrote, dates included', () => {
    const at = new Date('2026-12-05T07:00:00.123Z');
    const entry: SharedProxy = {
      delivery: REJECTED,
      node: {
        nodeId: 'default.gw-1',
        connectedStreams: 1,
        lastConnectedAt: at,
        types: [{ typeUrl: 't', sentVersion: 'v2', sentAt: at, ackedVersion: 'v1', ackedAt: at, sends: 2, acks: 1, nacks: 1, lastNack: { version: 'v2', nonce: '7', message: 'bad', resources: ['r'], at, count: 1 } }],
      },
    };
    expect(sharedProxyFromJson(sharedProxyToJson(entry))).toEqual(entry);
    expect(sharedProxyFromJson(sharedProxyToJson({ delivery: ACKED }))).toEqual({ delivery: ACKED });
  });
});

describe('preferred', () => {
  it('ranks connected over not, then ACKed over not, and keeps the first on a tie', () => {
    const [gone, pending, acked, rejected] = [GONE, PENDING, ACKED, REJECTED].map((delivery) => ({ delivery }));
    expect(preferred(gone, pending!)).toBe(pending);
    expect(preferred(pending, acked!)).toBe(acked);
    expect(preferred(acked, rejected!)).toBe(acked);
    expect(preferred(undefined, gone!)).toBe(gone);
  });
});

/** A replica's local records, changed by the test. */
class FakeLocal implements LocalDelivery {
  readonly nodes = new Map<string, ProxyDelivery>();
  private readonly listeners = new Set<(nodeId: string) => void>();
  set(nodeId: string, delivery: ProxyDelivery | undefined): void {
    if (delivery) this.nodes.set(nodeId, delivery);
    else this.nodes.delete(nodeId);
    for (const l of this.listeners) l(nodeId);
  }
  summary(nodeId: string): ProxyDelivery {
    return this.nodes.get(nodeId) ?? GONE;
  }
  records(nodeId: string): NodeDelivery | undefined {
    const d = this.nodes.get(nodeId);
    return d && { nodeId, connectedStreams: d.connected ? 1 : 0, lastConnectedAt: new Date(0), types: [] };
  }
  connectedNodeIds(): string[] {
    return [...this.nodes].filter(([, d]) => d.connected).map(([id]) => id);
  }
  onChange(listener: (nodeId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Counts what a replica publishes; fails while `failing` is set. */
class RecordingBoard extends MemoryDeliveryBoard {
  readonly publications: DeliveryPublication[] = [];
  failing = false;
  override async publish(replica: string, p: DeliveryPublication): Promise<void> {
    if (this.failing) throw new Error('connection refused');
    this.publications.push(p);
    return super.publish(replica, p);
  }
  override async close(): Promise<void> {}
}

describe('SharedDelivery', () => {
  it("answers a proxy connected to another replica from the board, and its own from its records", async () => {
    const board = new RecordingBoard();
    const [la, lb] = [new FakeLocal(), new FakeLocal()];
    const a = new SharedDelivery({ replica: 'a', board, local: la, logger });
    const b = new SharedDelivery({ replica: 'b', board, local: lb, logger });
    la.set('default.gw-1', PENDING);
    lb.set('default.gw-2', ACKED);
    await a.tick();
    await b.tick();
    await a.tick();
    expect(a.lookup()('default', 'gw-2')).toEqual(ACKED);
    expect(b.lookup()('default', 'gw-1')).toEqual(PENDING);
    expect(b.lookup()('default', 'gw-3')).toEqual(GONE);
    // The records the inspect views read come from the board too.
    expect(b.records('default.gw-1')?.connectedStreams).toBe(1);
    expect(b.records('default.gw-3')).toBeUndefined();

    // The ACK on a reaches b at the next ticks; a answers from its records at once.
    la.set('default.gw-1', ACKED);
    expect(a.lookup()('default', 'gw-1')).toEqual(ACKED);
    await a.tick();
    await b.tick();
    expect(b.lookup()('default', 'gw-1')).toEqual(ACKED);

    // The proxy leaves a: a removes it from the board, and b sees it gone.
    la.set('default.gw-1', GONE);
    await a.tick();
    await b.tick();
    expect(b.lookup()('default', 'gw-1')).toEqual(GONE);
    await a.stop();
    await b.tick();
    expect(b.lookup()('default', 'gw-2')).toEqual(ACKED);
    await b.stop();
  });

  it('publishes only what changed, a heartbeat otherwise, and republishes after a failed tick', async () => {
    const board = new RecordingBoard();
    const local = new FakeLocal();
    const shared = new SharedDelivery({ replica: 'a', board, local, logger, rescanEvery: 1_000 });
    local.set('default.gw-1', PENDING);
    local.set('default.gw-2', ACKED);
    await shared.tick();
    expect([...board.publications.at(-1)!.upserts.keys()]).toEqual(['default.gw-1', 'default.gw-2']);
    expect(board.publications.at(-1)!.upserts.get('default.gw-1')?.node?.connectedStreams).toBe(1);
    await shared.tick();
    expect(board.publications.at(-1)!.upserts.size).toBe(0);
    // A change event that leaves the summary as it was publishes nothing.
    local.set('default.gw-2', ACKED);
    await shared.tick();
    expect(board.publications.at(-1)!.upserts.size).toBe(0);

    board.failing = true;
    local.set('default.gw-1', ACKED);
    await shared.tick();
    board.failing = false;
    await shared.tick();
    expect(summaries(board.publications.at(-1)!.upserts)).toEqual({ 'default.gw-1': ACKED });
    expect(summaries(await board.readOthers('reader', 60_000))).toEqual({ 'default.gw-1': ACKED, 'default.gw-2': ACKED });
    await shared.stop();
    expect((await board.readOthers('reader', 60_000)).size).toBe(0);
  });

  it("clears what a previous run under the same name left on the board", async () => {
    const board = new RecordingBoard();
    await board.publish('a', publication({ 'default.stale': ACKED }));
    const shared = new SharedDelivery({ replica: 'a', board, local: new FakeLocal(), logger });
    await shared.tick();
    expect((await board.readOthers('reader', 60_000)).size).toBe(0);
    await shared.stop();
  });
});
