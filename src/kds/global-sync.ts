// The global side of multi-zone sync (docs/multizone.md §3): the KdsSync and GlobalKds services a
// zone dials on port 5685. Every call is authenticated before anything is exchanged: the zone's
// token (scope `cp`) must verify and name the zone the call claims in `client-id`; from then on the
// zone is the token's, whatever the payload says. Per connection:
// - GlobalToZoneSync: global sends (sync-sender.ts) its offer for that zone (global-offers.ts),
//   recomputed on every store change after a short debounce;
// - ZoneToGlobalSync: global receives (sync-receiver.ts) the zone's Dataplanes and other
//   zone-provided kinds, pins them to the zone, and reconciles only that zone's copies;
// - both create the zone's Zone if it is missing (their order is not guaranteed), and the
//   connection is recorded in the ZoneInsight.
// A dropped stream deletes nothing: a zone's copies go only when its own complete set says so or
// its Zone is deleted.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { StoredResource } from '../core/resource.js';
import type { Kind } from '../core/resource.js';
import { ConflictError, writeOps, type ResourceStore, type WriteOp } from '../core/store.js';
import type { ZoneTokens } from '../tokens/zone-token.js';
import { ZONE_LABEL } from '../multizone/hash-suffix.js';
import { ORIGIN_LABEL } from '../multizone/synced-labels.js';
import type { DerivePublicKey } from '../multizone/sync-filters.js';
import { pinToZone } from '../multizone/zone-pinning.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from '../xds/server/ads-service.js';
import { healthServiceDefinition, syncServerDefinition } from './kds-protocol.js';
import { GlobalOffers } from './global-offers.js';
import { SyncReceiver } from './sync-receiver.js';
import type { StoreNaming } from './sync-apply.js';
import { SyncSender, type KindStats } from './sync-sender.js';
import { globalToZoneKinds, zoneToGlobalKinds } from './sync-kinds.js';
import { ZoneInsights } from './zone-insights.js';

/** Settings of the global side (docs/multizone.md §11 names the Kuma keys). */
export interface GlobalSyncOptions {
  readonly store: ResourceStore;
  readonly zoneTokens: ZoneTokens;
  readonly derivePublicKey: DerivePublicKey;
  readonly logger: Logger;
  /** This global instance, in ZoneInsight subscriptions. */
  readonly instanceId: string;
  /** `nackBackoff`: changed content follows a NACK no sooner than this (default 5 s). */
  readonly nackBackoffMs?: number;
  /** `msgSendTimeout`: a response that cannot be written for this long ends the stream (60 s). */
  readonly sendTimeoutMs?: number;
  /** A response neither ACKed nor NACKed for this long ends the stream (60 s). */
  readonly ackTimeoutMs?: number;
  /** Quiet time before store changes are sent (event-driven `refreshInterval`; default 100 ms). */
  readonly debounceMs?: number;
  /** `zoneInsightFlushInterval` (default 10 s). */
  readonly insightFlushIntervalMs?: number;
  /** Health-check interval told to zones; 0 = the zone's default (Kuma: unset). */
  readonly healthCheckIntervalMs?: number;
  /** `labels.skipPrefixes`. */
  readonly skipPrefixes?: readonly string[];
  /** The store's names, when they differ from the wire's (Kubernetes: sync-apply.ts StoreNaming). */
  readonly naming?: StoreNaming;
}

/** One zone connection's pair of streams. */
interface Connection {
  readonly id: string;
  readonly zone: string;
  sender?: SyncSender;
  receiver?: SyncReceiver;
  readonly calls: Set<grpc.ServerDuplexStream<unknown, unknown>>;
}

const DEFAULTS = { nackBackoffMs: 5_000, sendTimeoutMs: 60_000, ackTimeoutMs: 60_000, debounceMs: 100, insightFlushIntervalMs: 10_000 };

/** The zone a call is from, or the status it is refused with. */
type CallIdentity = { ok: true; zone: string; connection: string; metadata: grpc.Metadata } | { ok: false; code: grpc.status; message: string };

/** The global's sync services. */
export class GlobalSync {
  private readonly offers: GlobalOffers;
  private readonly insights: ZoneInsights;
  private readonly settings: typeof DEFAULTS;
  private readonly connections = new Map<string, Connection>();
  private readonly g2zKinds = globalToZoneKinds();
  private readonly z2gKinds = zoneToGlobalKinds();
  private readonly unwatch: () => void;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Bytes sent by connections that have ended. */
  private sentBefore = 0;

  constructor(private readonly options: GlobalSyncOptions) {
    this.settings = { ...DEFAULTS, ...definedOnly(options) };
    this.offers = new GlobalOffers({ store: options.store, kinds: this.g2zKinds, derivePublicKey: options.derivePublicKey, ...(options.skipPrefixes ? { skipPrefixes: options.skipPrefixes } : {}), ...(options.naming ? { naming: options.naming } : {}) });
    this.insights = new ZoneInsights(options.store, options.logger, this.settings.insightFlushIntervalMs);
    this.unwatch = options.store.watch((event) => {
      if (event.key.kind === 'Zone' && event.type === 'delete') void this.zoneDeleted(event.key.name);
      if (this.g2zKinds.includes(event.key.kind) || event.key.kind === 'Zone') this.changed();
    });
  }

  /** Lists the store once; call before serving. */
  async start(): Promise<void> {
    await this.offers.refresh();
  }

  /** The two services with their handlers, for a grpc.Server. */
  services(): Array<[grpc.ServiceDefinition, grpc.UntypedServiceImplementation]> {
    return [
      [
        syncServerDefinition(),
        {
          GlobalToZoneSync: (call: grpc.ServerDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>) => void this.globalToZone(call),
          ZoneToGlobalSync: (call: grpc.ServerDuplexStream<DeltaDiscoveryResponse, DeltaDiscoveryRequest>) => void this.zoneToGlobal(call),
        },
      ],
      [healthServiceDefinition(), { HealthCheck: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => void this.healthCheck(call, callback) }],
    ];
  }

  /** Bytes of resource envelopes sent to zones so far, over every connection (benchmarks). */
  get bytesSent(): number {
    return this.sentBefore + [...this.connections.values()].reduce((sum, c) => sum + (c.sender?.bytesSent ?? 0), 0);
  }

  /** Zones with an open connection. */
  connectedZones(): string[] {
    return [...new Set([...this.connections.values()].map((c) => c.zone))].sort();
  }

  /** Sends pending changes now and waits for insight writes (tests). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.refresh();
    }
    await this.refreshing;
    await this.insights.settle();
  }

  /** Ends every stream (UNAVAILABLE: zones reconnect elsewhere) and records the disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    this.unwatch();
    if (this.timer) clearTimeout(this.timer);
    for (const connection of [...this.connections.values()]) this.end(connection, grpc.status.UNAVAILABLE, 'global control plane is shutting down');
    await this.insights.close(new Date().toISOString());
  }

  private changed(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, this.settings.debounceMs);
  }

  private refresh(): Promise<void> {
    this.refreshing = this.refreshing
      .then(async () => {
        await this.offers.refresh();
        for (const c of this.connections.values()) c.sender?.setOffer(this.offers.offerFor(c.zone));
      })
      .catch((err: unknown) => {
        this.options.logger.error({ err }, 'could not list resources for zones; retrying');
        this.changed();
      });
    return this.refreshing;
  }

  /** Token and client id: the zone the call is from. */
  private async identify(metadata: grpc.Metadata): Promise<CallIdentity> {
    const zone = String(metadata.get('client-id')[0] ?? '');
    if (zone === '') return { ok: false, code: grpc.status.INVALID_ARGUMENT, message: 'client-id metadata (the zone name) is required' };
    const auth = metadata.get('authorization');
    if (auth.length !== 1) return { ok: false, code: grpc.status.UNAUTHENTICATED, message: auth.length === 0 ? 'zone token is missing' : 'exactly one authorization value is allowed' };
    const token = String(auth[0]).replace(/^Bearer\s+/i, '');
    const verdict = await this.options.zoneTokens.verifyZoneToken(token, { zone, scope: 'cp' });
    if (!verdict.ok) {
      const code = verdict.reason === 'zone-mismatch' || verdict.reason === 'scope-missing' ? grpc.status.PERMISSION_DENIED : grpc.status.UNAUTHENTICATED;
      return { ok: false, code, message: verdict.message };
    }
    const connection = String(metadata.get('connection-id')[0] ?? '') || randomBytes(6).toString('hex');
    return { ok: true, zone: verdict.zone, connection: `${verdict.zone}/${connection}`, metadata };
  }

  private async admit(call: grpc.ServerDuplexStream<unknown, unknown>): Promise<Connection | undefined> {
    let identity: CallIdentity;
    try {
      identity = await this.identify(call.metadata);
    } catch (err) {
      this.options.logger.error({ err }, 'could not check a zone token');
      identity = { ok: false, code: grpc.status.INTERNAL, message: 'internal error' };
    }
    if (!identity.ok) {
      this.options.logger.warn({ peer: peerOf(call), reason: identity.message }, 'refused a zone sync stream');
      emitStatus(call, identity.code, identity.message);
      return undefined;
    }
    if (this.closed) {
      emitStatus(call, grpc.status.UNAVAILABLE, 'global control plane is shutting down');
      return undefined;
    }
    try {
      await this.ensureZone(identity.zone);
    } catch (err) {
      this.options.logger.error({ err, zone: identity.zone }, 'could not create the Zone');
      emitStatus(call, grpc.status.UNAVAILABLE, 'could not record the zone');
      return undefined;
    }
    let connection = this.connections.get(identity.connection);
    if (!connection) {
      connection = { id: identity.connection, zone: identity.zone, calls: new Set() };
      this.connections.set(connection.id, connection);
      const c = connection;
      const now = new Date().toISOString();
      void this.insights.opened(
        c.zone,
        {
          id: c.id,
          globalInstanceId: this.options.instanceId,
          zoneInstanceId: String(identity.metadata.get('instance-id')[0] ?? ''),
          connectTime: now,
          version: { kumaCp: { version: String(identity.metadata.get('version')[0] ?? '') } },
          authTokenProvided: true,
        },
        () => mergeStats(c.sender?.stats),
      );
      this.options.logger.info({ zone: c.zone, connection: c.id }, 'zone connected');
    }
    connection.calls.add(call);
    const c = connection;
    const done = (): void => this.callEnded(c, call);
    call.on('cancelled', done);
    call.on('error', done);
    call.on('end', () => {
      done();
      call.end();
    });
    return connection;
  }

  private callEnded(connection: Connection, call: grpc.ServerDuplexStream<unknown, unknown>): void {
    if (!connection.calls.delete(call)) return;
    // One stream of the pair ending ends the connection: the zone reconnects both.
    this.end(connection, grpc.status.UNAVAILABLE, 'the other sync stream of this connection ended');
  }

  private end(connection: Connection, code: grpc.status, message: string): void {
    if (this.connections.get(connection.id) !== connection) return;
    this.connections.delete(connection.id);
    this.sentBefore += connection.sender?.bytesSent ?? 0;
    connection.sender?.close();
    connection.receiver?.close();
    for (const call of [...connection.calls]) {
      connection.calls.delete(call);
      emitStatus(call, code, message);
    }
    void this.insights.closed(connection.id, new Date().toISOString());
    this.options.logger.info({ zone: connection.zone, connection: connection.id, reason: message }, 'zone disconnected');
  }

  private async globalToZone(call: grpc.ServerDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse>): Promise<void> {
    const pending: DeltaDiscoveryRequest[] = [];
    const early = (req: DeltaDiscoveryRequest): void => void pending.push(req);
    call.on('data', early);
    const connection = await this.admit(call as grpc.ServerDuplexStream<unknown, unknown>);
    call.off('data', early);
    if (!connection) return;
    const sender = new SyncSender({
      sink: call,
      kinds: this.g2zKinds,
      nackBackoffMs: this.settings.nackBackoffMs,
      sendTimeoutMs: this.settings.sendTimeoutMs,
      ackTimeoutMs: this.settings.ackTimeoutMs,
      controlPlaneId: this.options.instanceId,
      onFailure: (reason) => this.end(connection, grpc.status.UNAVAILABLE, reason),
      onNack: (kind, nack) => this.options.logger.warn({ zone: connection.zone, kind, resources: nack.resources, error: nack.message, count: nack.count }, 'zone rejected resources (NACK)'),
      onSent: () => this.insights.updated(connection.id, new Date().toISOString()),
      onStats: () => this.insights.touched(connection.id),
    });
    connection.sender = sender;
    sender.setOffer(this.offers.offerFor(connection.zone));
    call.on('data', (req: DeltaDiscoveryRequest) => sender.handleRequest(req));
    for (const req of pending) sender.handleRequest(req);
  }

  private async zoneToGlobal(call: grpc.ServerDuplexStream<DeltaDiscoveryResponse, DeltaDiscoveryRequest>): Promise<void> {
    const pending: DeltaDiscoveryResponse[] = [];
    const early = (res: DeltaDiscoveryResponse): void => void pending.push(res);
    call.on('data', early);
    const connection = await this.admit(call as grpc.ServerDuplexStream<unknown, unknown>);
    call.off('data', early);
    if (!connection) return;
    const zone = connection.zone;
    const receiver = new SyncReceiver({
      store: this.options.store,
      kinds: this.z2gKinds,
      node: { id: zone },
      send: (req) => void call.write(req),
      inScope: (stored) => stored.labels?.[ORIGIN_LABEL] === 'zone' && stored.labels[ZONE_LABEL] === zone,
      ...(this.options.naming ? { naming: this.options.naming } : {}),
      prepare: (resource) => {
        const pinned = pinToZone(resource, zone);
        if (pinned.overwritten.length > 0) this.options.logger.warn({ zone, kind: resource.kind, name: resource.name, fields: pinned.overwritten }, 'a zone sent a resource naming another zone; pinned to the zone of its stream');
        return pinned.resource;
      },
      onFailure: (reason, err) => {
        this.options.logger.error({ err, zone }, reason);
        this.end(connection, grpc.status.UNAVAILABLE, reason);
      },
      onApplied: (kind, plan) => {
        if (plan.rejected.length > 0) this.options.logger.warn({ zone, kind, rejected: plan.rejected }, 'rejected resources from a zone (NACK)');
      },
    });
    connection.receiver = receiver;
    call.on('data', (res: DeltaDiscoveryResponse) => receiver.handleResponse(res));
    receiver.start();
    for (const res of pending) receiver.handleResponse(res);
  }

  private async healthCheck(call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>): Promise<void> {
    const identity = await this.identify(call.metadata).catch(() => ({ ok: false as const, code: grpc.status.INTERNAL, message: 'internal error' }));
    if (!identity.ok) return callback({ code: identity.code, details: identity.message });
    await this.insights.healthChecked(identity.zone, new Date().toISOString());
    callback(null, { interval_ms: String(this.options.healthCheckIntervalMs ?? 0) });
  }

  /** Creates the Zone on first contact; a concurrent creation is fine. */
  private async ensureZone(zone: string): Promise<void> {
    const key = { kind: 'Zone' as const, mesh: zone, name: zone };
    if (await this.options.store.get(key)) return;
    try {
      await this.options.store.put({ ...key, spec: { enabled: true } }, { mustCreate: true });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }

  /** A deleted Zone ends its connections and takes the copies it sent with it. */
  private async zoneDeleted(zone: string): Promise<void> {
    for (const c of [...this.connections.values()]) if (c.zone === zone) this.end(c, grpc.status.PERMISSION_DENIED, `zone ${zone} was deleted`);
    try {
      const ops: WriteOp[] = [];
      for (const kind of this.z2gKinds) {
        const stored: StoredResource[] = await this.options.store.list(kind as Kind);
        for (const s of stored) if (s.labels?.[ORIGIN_LABEL] === 'zone' && s.labels[ZONE_LABEL] === zone) ops.push({ op: 'delete', key: { kind: s.kind, mesh: s.mesh, name: s.name } });
      }
      // One commit where the store can, op by op on Kubernetes: there a failure midway leaves the
      // remaining copies in place, logged below.
      if (ops.length > 0) await writeOps(this.options.store, ops);
      // The disconnect just recorded is written first, so the insight does not come back after this.
      await this.insights.settle();
      await this.options.store.delete({ kind: 'ZoneInsight', mesh: zone, name: zone });
    } catch (err) {
      this.options.logger.error({ err, zone }, 'could not delete the resources of a deleted zone');
    }
  }
}

function definedOnly(options: GlobalSyncOptions): Partial<typeof DEFAULTS> {
  const out: Partial<Record<keyof typeof DEFAULTS, number>> = {};
  for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

function mergeStats(stats: ReadonlyMap<string, KindStats> | undefined): ReadonlyMap<string, KindStats> {
  return stats ?? new Map();
}

function peerOf(call: grpc.ServerDuplexStream<unknown, unknown>): string | undefined {
  try {
    return call.getPeer();
  } catch {
    return undefined;
  }
}

/** Ends a call with a status; a call already gone is ignored. */
function emitStatus(call: grpc.ServerDuplexStream<unknown, unknown>, code: grpc.status, details: string): void {
  try {
    call.emit('error', Object.assign(new Error(details), { code, details }));
  } catch {
    // already closed
  }
}
