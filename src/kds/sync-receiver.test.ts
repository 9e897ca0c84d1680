// How a receiver writes a response to its store: one commit on a store that commits atomically,
// op by op on one that cannot (the Kubernetes store), where a refused op is NACKed and an
// unavailable store ends the stream, and the next complete set repairs a half-written response.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import type { Kind } from '../core/resource.js';
import { StoreUnavailableError, writeOps, type WriteOp } from '../core/store.js';
import { ORIGIN_LABEL } from '../multizone/synced-labels.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from '../xds/server/ads-service.js';
import { encodedCopy } from './sync-types.js';
import { SyncReceiver } from './sync-receiver.js';

/**
 * A MemoryStore that behaves like the Kubernetes store's commit(): more than one op is refused.
 * It records every commit, and `failOn` makes the put or delete of a name fail.
 */
class OneOpStore extends MemoryStore {
  override readonly atomicCommit: boolean = false;
  readonly commits: string[][] = [];
  failOn = new Map<string, Error>();

  override async commit(ops: readonly WriteOp[]) {
    if (ops.length > 1) throw new Error(`commit of ${ops.length} resources: no multi-object transactions`);
    const names = ops.map((o) => (o.op === 'put' ? `put ${o.resource.name}` : `delete ${o.key.name}`));
    this.commits.push(names);
    for (const o of ops) {
      const failure = this.failOn.get(o.op === 'put' ? o.resource.name : o.key.name);
      if (failure) throw failure;
    }
    return super.commit(ops);
  }
}

/** A MemoryStore recording its commits. */
class RecordingStore extends MemoryStore {
  readonly commits: string[][] = [];
  override async commit(ops: readonly WriteOp[]) {
    this.commits.push(ops.map((o) => (o.op === 'put' ? `put ${o.resource.name}` : `delete ${o.key.name}`)));
    return super.commit(ops);
  }
}

const GW_SPEC = { selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } };

/** A MeshGateway copy from global, as it travels. */
function gateway(name: string) {
  const copy = encodedCopy('MeshGateway', { kind: 'MeshGateway', mesh: 'default', name, labels: { [ORIGIN_LABEL]: 'global' }, spec: GW_SPEC });
  return { name: copy.name, version: copy.version, resource: copy.any };
}

function response(names: readonly string[], removed: readonly string[] = [], nonce = 'n1'): DeltaDiscoveryResponse {
  return { system_version_info: '', type_url: 'MeshGateway', resources: names.map(gateway) as never, removed_resources: removed, nonce };
}

interface Harness {
  receiver: SyncReceiver;
  sent: DeltaDiscoveryRequest[];
  failures: string[];
}

function receiverOn(store: MemoryStore): Harness {
  const sent: DeltaDiscoveryRequest[] = [];
  const failures: string[] = [];
  const receiver = new SyncReceiver({
    store,
    kinds: ['MeshGateway'],
    node: { id: 'zone-1' },
    send: (req) => sent.push(req),
    inScope: (stored) => stored.labels?.[ORIGIN_LABEL] === 'global',
    onFailure: (reason, err) => failures.push(`${reason}: ${(err as Error | undefined)?.message ?? ''}`),
  });
  receiver.start();
  sent.length = 0;
  return { receiver, sent, failures };
}

async function seed(store: MemoryStore, names: readonly string[]): Promise<void> {
  for (const name of names) await store.put({ kind: 'MeshGateway', mesh: 'default', name, labels: { [ORIGIN_LABEL]: 'global' }, spec: GW_SPEC } as never);
}

const storedNames = async (store: MemoryStore) => (await store.list('MeshGateway' as Kind)).map((r) => r.name);

describe('SyncReceiver writing a response', () => {
  it('commits the whole plan at once on an atomic store', async () => {
    const store = new RecordingStore();
    await seed(store, ['stale']);
    store.commits.length = 0;
    const { receiver, sent } = receiverOn(store);
    receiver.handleResponse(response(['a', 'b']));
    await receiver.settle();
    expect(store.commits).toEqual([['put a', 'put b', 'delete stale']]);
    expect(await storedNames(store)).toEqual(['a', 'b']);
    expect(sent).toEqual([{ type_url: 'MeshGateway', response_nonce: 'n1', node: { id: 'zone-1' } }]);
  });

  it('writes op by op, in plan order, on a store without multi-object commits, and ACKs', async () => {
    const store = new OneOpStore();
    await seed(store, ['stale']);
    const { receiver, sent, failures } = receiverOn(store);
    receiver.handleResponse(response(['a', 'b']));
    await receiver.settle();
    expect(store.commits).toEqual([['put a'], ['put b'], ['delete stale']]);
    expect(await storedNames(store)).toEqual(['a', 'b']);
    expect(failures).toEqual([]);
    expect(sent).toEqual([{ type_url: 'MeshGateway', response_nonce: 'n1', node: { id: 'zone-1' } }]);
  });

  it('NACKs an op the store refuses, with the reason and its cause, and still writes the others', async () => {
    const store = new OneOpStore();
    store.failOn.set('a', new Error('write MeshGateway default/a to the Kubernetes API', { cause: new Error('metadata.name: Invalid value') }));
    const { receiver, sent, failures } = receiverOn(store);
    receiver.handleResponse(response(['a', 'b']));
    await receiver.settle();
    expect(await storedNames(store)).toEqual(['b']);
    expect(failures).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type_url: 'MeshGateway', response_nonce: 'n1' });
    expect(sent[0]?.error_detail?.message).toBe('a.default: not stored: write MeshGateway default/a to the Kubernetes API: metadata.name: Invalid value');
  });

  it('ends the stream when the store is unavailable midway, and the next complete set converges from the half-written state', async () => {
    const store = new OneOpStore();
    await seed(store, ['stale']);
    store.failOn.set('b', new StoreUnavailableError('Kubernetes API unavailable'));
    const first = receiverOn(store);
    first.receiver.handleResponse(response(['a', 'b', 'c']));
    await first.receiver.settle();
    // A prefix was written; no ACK or NACK, the stream ends and the peer reconnects.
    expect(await storedNames(store)).toEqual(['a', 'stale']);
    expect(first.sent).toEqual([]);
    expect(first.failures).toEqual(['could not apply a sync response: Kubernetes API unavailable']);

    store.failOn.clear();
    store.commits.length = 0;
    const second = receiverOn(store);
    second.receiver.handleResponse(response(['a', 'b', 'c'], [], 'n2'));
    await second.receiver.settle();
    // `a` is unchanged and not rewritten; the rest of the batch goes in and the stale copy goes.
    expect(store.commits).toEqual([['put b'], ['put c'], ['delete stale']]);
    expect(await storedNames(store)).toEqual(['a', 'b', 'c']);
    expect(second.sent).toEqual([{ type_url: 'MeshGateway', response_nonce: 'n2', node: { id: 'zone-1' } }]);
  });
});

describe('writeOps', () => {
  it('is one commit on an atomic store and one commit per op otherwise', async () => {
    const ops: WriteOp[] = ['x', 'y'].map((name) => ({ op: 'put', resource: { kind: 'Mesh', mesh: name, name, spec: {} } as never }));
    const atomic = new RecordingStore();
    expect((await writeOps(atomic, ops)).map((r) => r.name)).toEqual(['x', 'y']);
    expect(atomic.commits).toEqual([['put x', 'put y']]);
    const oneByOne = new OneOpStore();
    expect((await writeOps(oneByOne, ops)).map((r) => r.name)).toEqual(['x', 'y']);
    expect(oneByOne.commits).toEqual([['put x'], ['put y']]);
  });
});
