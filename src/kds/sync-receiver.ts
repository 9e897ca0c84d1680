// The receiving side of one sync stream (the zone on GlobalToZoneSync, global on
// ZoneToGlobalSync): subscribes to every kind it takes with `*`, applies each response to its
// store through a plan (sync-apply.ts) committed all at once, and answers with an ACK, or a NACK
// naming each rejected resource and why. Responses are handled one at a time in arrival order. A
// store failure ends the stream (the peer reconnects and resends the complete set); an invalid
// resource does not.
import type { ResourceStore } from '../core/store.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, NodeMessage } from '../xds/server/ads-service.js';
import { decodeSyncResource } from './kds-protocol.js';
import { planApply, type ApplyPlan, type ReceivedResource } from './sync-apply.js';
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
    const plan = planApply({
      kind,
      complete: !this.completed.has(kind),
      received,
      removed: res.removed_resources,
      stored,
      inScope: this.options.inScope,
      ...(this.options.prepare ? { prepare: this.options.prepare } : {}),
    });
    if (plan.ops.length > 0) await this.options.store.commit(plan.ops);
    if (this.closed) return;
    this.completed.add(kind);
    this.options.onApplied?.(kind, plan);
    const reply: DeltaDiscoveryRequest = { type_url: kind, response_nonce: res.nonce, node: { id: this.options.node.id ?? '' } };
    if (plan.rejected.length === 0) return this.options.send(reply);
    const message = plan.rejected.map((r) => `${r.name}: ${r.message}`).join('\n');
    this.options.send({ ...reply, error_detail: { code: 3, message } });
  }
}
