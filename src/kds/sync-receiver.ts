// The receiving side of one sync stream (the zone on GlobalToZoneSync, global on
// ZoneToGlobalSync): subscribes to every kind it takes with `*`, applies each response to its
// store through a plan (sync-apply.ts), and answers with an ACK, or a NACK naming each rejected
// resource and why. Responses are handled one at a time in arrival order. A store failure ends the
// stream (the peer reconnects and resends the complete set); an invalid resource does not.
//
// A store that commits atomically (memory, SQLite) gets the whole plan as one commit. The
// Kubernetes store has no multi-object transactions, so there the plan is written op by op, in
// plan order. That is safe for sync because applying is idempotent and converges: a crash or a
// lost API server midway leaves a prefix of the plan written, the stream ends, and the complete set
// of the next connection rewrites what differs and deletes what is stale. Meanwhile proxies see a
// mix of old and new copies for a while, as they would while a batch of kubectl applies runs. One
// op the API server refuses for reasons of its own (a name it does not accept, a webhook, RBAC) is
// rejected in the NACK like an invalid resource, and the other ops still go in; only an
// unreachable API server ends the stream.
import { StoreUnavailableError, type ResourceStore, type WriteOp } from '../core/store.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, NodeMessage } from '../xds/server/ads-service.js';
import { decodeSyncResource, wireName } from './kds-protocol.js';
import { planApply, wireMeshOf, type ApplyPlan, type ReceivedResource, type Rejection, type StoreNaming } from './sync-apply.js';
import type { StoredResource } from '../core/resource.js';
import type { SyncResource } from '../multizone/sync-resource.js';
import type { Kind } from '../core/resource.js';

/** Settings of a receiver. */
export interface SyncReceiverOptions {
  readonly store: ResourceStore;
  /** Kinds to subscribe to, in subscription order. */
  readonly kinds: readonly string[];
  readonly node: NodeMessage;
  readonly send: (req: DeltaDiscoveryRequest) => void;
  readonly inScope: (stored: StoredResource) => boolean;
  readonly prepare?: (resource: SyncResource) => SyncResource;
  /** The store's names, when they differ from the wire's (Kubernetes). */
  readonly naming?: StoreNaming;
  /** The stream must end (a store failure, a response for a kind never subscribed to). */
  readonly onFailure: (reason: string, err?: unknown) => void;
  /** One response was applied (insight, logs). */
  readonly onApplied?: (kind: string, plan: ApplyPlan) => void;
}

/** Per kind: whether the complete set has arrived on this stream. */
export class SyncReceiver {
  private readonly completed = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: SyncReceiverOptions) {}

  /** Sends one wildcard subscription per kind. */
  start(): void {
    for (const kind of this.options.kinds) {
      this.options.send({ type_url: kind, resource_names_subscribe: ['*'], node: this.options.node });
    }
  }

  /** Kinds whose complete set has been applied on this stream. */
  get synced(): ReadonlySet<string> {
    return this.completed;
  }

  /** Queues one response. */
  handleResponse(res: DeltaDiscoveryResponse): void {
    if (this.closed) return;
    this.chain = this.chain.then(() => this.apply(res)).catch((err: unknown) => this.fail('could not apply a sync response', err));
  }

  /** Resolves once every queued response has been applied (tests). */
  settle(): Promise<void> {
    return this.chain;
  }

  close(): void {
    this.closed = true;
  }

  private fail(reason: string, err?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onFailure(reason, err);
  }

  private async apply(res: DeltaDiscoveryResponse): Promise<void> {
    if (this.closed) return;
    const kind = res.type_url;
    if (!this.options.kinds.includes(kind)) return this.fail(`response for kind ${JSON.stringify(kind)}, which was not subscribed to`);
    const received: ReceivedResource[] = res.resources.map((r) => {
      const decoded = decodeSyncResource(r.resource);
      if (!decoded.ok) return { ok: false, wireName: r.name, message: decoded.message };
      const { name, mesh, labels, spec } = decoded;
      return { ok: true, wireName: r.name, resource: { kind, mesh, name, labels, spec } };
    });
    const stored = await this.options.store.list(kind as Kind);
    let plan = planApply({
      kind,
      complete: !this.completed.has(kind),
      received,
      removed: res.removed_resources,
      stored,
      inScope: this.options.inScope,
      ...(this.options.prepare ? { prepare: this.options.prepare } : {}),
      ...(this.options.naming ? { naming: this.options.naming } : {}),
    });
    const refused = await this.write(plan.ops);
    if (this.closed) return;
    this.completed.add(kind);
    if (refused.length > 0) plan = { ...plan, rejected: [...plan.rejected, ...refused] };
    this.options.onApplied?.(kind, plan);
    const reply: DeltaDiscoveryRequest = { type_url: kind, response_nonce: res.nonce, node: { id: this.options.node.id ?? '' } };
    if (plan.rejected.length === 0) return this.options.send(reply);
    const message = plan.rejected.map((r) => `${r.name}: ${r.message}`).join('\n');
    this.options.send({ ...reply, error_detail: { code: 3, message } });
  }

  /**
   * Writes the plan's ops (see the header): one commit on an atomic store, else op by op, where an
   * op the store refuses becomes a rejection and an unavailable store ends the stream.
   */
  private async write(ops: readonly WriteOp[]): Promise<Rejection[]> {
    const { store } = this.options;
    if (ops.length === 0) return [];
    if (store.atomicCommit) {
      await store.commit(ops);
      return [];
    }
    const refused: Rejection[] = [];
    for (const op of ops) {
      if (this.closed) break;
      try {
        await store.commit([op]);
      } catch (err) {
        if (err instanceof StoreUnavailableError) throw err;
        refused.push({ name: this.wireNameOfOp(op), message: `not stored: ${causeChain(err)}` });
      }
    }
    return refused;
  }

  /** The wire name of the resource an op writes. */
  private wireNameOfOp(op: WriteOp): string {
    const key = op.op === 'put' ? op.resource : op.key;
    const name = this.options.naming ? this.options.naming.toWire(key.kind, key.name) : key.name;
    return wireName({ name, mesh: wireMeshOf(key) });
  }
}

/** An error's message followed by its causes' (the API server's answer is usually the cause). */
function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    parts.push(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ');
}
