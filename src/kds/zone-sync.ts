// The zone side of multi-zone sync (docs/multizone.md §3): a federated zone dials its global,
// opens GlobalToZoneSync (receiving what global sends, reconciling only copies labelled
// `kuma.io/origin: global`, so nothing created locally is ever deleted by sync) and
// ZoneToGlobalSync (sending its own Dataplanes and other zone-provided kinds), both over one
// connection with the zone's token, and calls HealthCheck at connect and then periodically.
// When any of them fails, everything is closed and the client starts over after a backoff that
// grows from `baseBackoffMs` to `maxBackoffMs` with jitter and resets after a connection that
// lasted `resetAfterMs`. What the zone received is in its store, so with the global away it keeps
// serving, and after a restart it serves what it had.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Kind, StoredResource } from '../core/resource.js';
import type { ResourceStore } from '../core/store.js';
import { DISPLAY_NAME_LABEL } from '../multizone/hash-suffix.js';
import { ORIGIN_LABEL, zoneToGlobalCopy } from '../multizone/synced-labels.js';
import { zoneSendsToGlobal } from '../multizone/sync-filters.js';
import { descriptorFlags, type SyncFlags } from '../multizone/sync-resource.js';
import type { SnapshotResource } from '../xds/cache/snapshot.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from '../xds/server/ads-service.js';
import { healthServiceDefinition, syncClientDefinition, type ZoneHealthCheckResponse } from './kds-protocol.js';
import { syncResourceOf, type StoreNaming } from './sync-apply.js';
import { SyncReceiver } from './sync-receiver.js';
import { SyncSender } from './sync-sender.js';
import { buildOffer, encodedCopy, type SyncOffer } from './sync-types.js';
import { globalToZoneKinds, zoneToGlobalKinds } from './sync-kinds.js';

/** Settings of the zone side (docs/multizone.md §11 names the Kuma keys). */
export interface ZoneSyncOptions {
  readonly store: ResourceStore;
  readonly zone: string;
  /** `grpc://host:port` or `grpcs://host:port`. */
  readonly globalAddress: string;
  /** The zone token (scope `cp`), read at each connection so a replaced file takes effect. */
  readonly token: () => Promise<string>;
  /** PEM of the CA the global's certificate must chain to (`kds.rootCaFile`); absent = system roots. */
  readonly rootCa?: string;
  /** `kds.tlsSkipVerify`: accept any certificate (tests and trials only). */
  readonly tlsSkipVerify?: boolean;
  readonly logger: Logger;
  /** This zone control plane instance. */
  readonly instanceId: string;
  readonly version?: string;
  readonly nackBackoffMs?: number;
  readonly sendTimeoutMs?: number;
  readonly ackTimeoutMs?: number;
  readonly debounceMs?: number;
  /** Health-check interval unless global says otherwise (default 5 min). */
  readonly healthCheckIntervalMs?: number;
  /** `general.resilientComponentBaseBackoff` / `MaxBackoff` (5 s, 1 min). */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A connection that lasted this long resets the backoff (1 min). */
  readonly resetAfterMs?: number;
  /** `kds.maxMsgSize` (10 MiB). */
  readonly maxMessageBytes?: number;
  /** `labels.skipPrefixes`. */
  readonly skipPrefixes?: readonly string[];
  /**
   * A Kubernetes zone: the object name and namespace of a stored resource that lives in a
   * namespaced object (store name `<name>.<namespace>`), undefined for any other. Its copy for
   * global is then named from the object name, with `k8s.kuma.io/namespace` in labels and hash
   * (docs/multizone.md §4.2), as Kuma names it: `backend-1.shop` becomes `backend-1-<hash>`.
   */
  readonly objectNameOf?: (stored: StoredResource) => KubernetesObjectName | undefined;
  /** The store's names, when they differ from the wire's (Kubernetes: sync-apply.ts StoreNaming). */
  readonly naming?: StoreNaming;
}

/** Name and namespace of a Kubernetes object. */
export interface KubernetesObjectName {
  readonly name: string;
  readonly namespace: string;
}

/** What the client reports about itself. */
export interface ZoneSyncState {
  readonly connected: boolean;
  /** Connection attempts so far. */
  readonly attempts: number;
  /** Why the last connection ended. */
  readonly lastError?: string;
  /** Kinds whose complete set arrived on the current connection. */
  readonly synced: readonly string[];
}

const DEFAULTS = {
  nackBackoffMs: 5_000,
  sendTimeoutMs: 60_000,
  ackTimeoutMs: 60_000,
  debounceMs: 100,
  healthCheckIntervalMs: 300_000,
  baseBackoffMs: 5_000,
  maxBackoffMs: 60_000,
  resetAfterMs: 60_000,
  maxMessageBytes: 10 * 1024 * 1024,
};

/** The next delay: doubled from the last, capped, with up to 20% jitter either way. */
export function nextBackoff(previousMs: number | undefined, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const target = previousMs === undefined ? baseMs : Math.min(maxMs, previousMs * 2);
  const jittered = target * (0.8 + 0.4 * random());
  return Math.round(Math.min(maxMs, jittered));
}

/** The zone's own copies for global, encoded once per stored version. */
class ZoneOffers {
  private readonly copies = new Map<string, SnapshotResource | null>();

  constructor(
    private readonly store: ResourceStore,
    private readonly zone: string,
    private readonly kinds: readonly string[],
    private readonly skipPrefixes: readonly string[] | undefined,
    private readonly objectNameOf: ZoneSyncOptions['objectNameOf'],
    private readonly naming: StoreNaming | undefined,
  ) {}

  async build(): Promise<SyncOffer> {
    const seen = new Set<string>();
    const copies: SnapshotResource[] = [];
    for (const kind of this.kinds) {
      const stored: StoredResource[] = await this.store.list(kind as Kind);
      for (const resource of stored) {
        const key = `${resource.kind}/${resource.mesh}/${resource.name}@${resource.version}`;
        seen.add(key);
        let copy = this.copies.get(key);
        if (copy === undefined) {
          copy = this.copyOf(resource);
          this.copies.set(key, copy);
        }
        if (copy) copies.push(copy);
      }
    }
    for (const key of [...this.copies.keys()]) if (!seen.has(key)) this.copies.delete(key);
    return buildOffer(this.kinds, copies);
  }

  private copyOf(stored: StoredResource): SnapshotResource | null {
    let resource = syncResourceOf(stored, this.naming);
    if (!zoneSendsToGlobal(resource, descriptorFlags)) return null;
    const flags = descriptorFlags(stored.kind) as SyncFlags;
    const object = this.objectNameOf?.(stored);
    // The object name is what the user wrote; the display-name label makes the hash and the copy use it.
    if (object) resource = { ...resource, labels: { ...resource.labels, [DISPLAY_NAME_LABEL]: object.name } };
    return encodedCopy(
      stored.kind,
      zoneToGlobalCopy(resource, flags, {
        zone: this.zone,
        ...(this.skipPrefixes ? { skipPrefixes: this.skipPrefixes } : {}),
        ...(object ? { namespace: object.namespace } : {}),
      }),
    );
  }
}

/** One attempt's calls and sides. */
interface Session {
  readonly client: grpc.Client;
  readonly health: grpc.Client;
  readonly calls: Array<grpc.ClientDuplexStream<unknown, unknown>>;
  sender?: SyncSender;
  receiver?: SyncReceiver;
  readonly startedAt: number;
  healthTimer?: NodeJS.Timeout;
  ended: boolean;
}

/** The zone's sync client. */
export class ZoneSync {
  private readonly settings: typeof DEFAULTS;
  private readonly g2zKinds = globalToZoneKinds();
  private readonly z2gKinds = zoneToGlobalKinds();
  private readonly offers: ZoneOffers;
  private session: Session | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private changeTimer: NodeJS.Timeout | undefined;
  private lastBackoff: number | undefined;
  private attempts = 0;
  private lastError: string | undefined;
  private stopped = false;
  private readonly unwatch: () => void;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: ZoneSyncOptions) {
    const defined = Object.fromEntries(Object.keys(DEFAULTS).filter((k) => options[k as keyof typeof DEFAULTS] !== undefined).map((k) => [k, options[k as keyof typeof DEFAULTS]]));
    this.settings = { ...DEFAULTS, ...defined };
    this.offers = new ZoneOffers(options.store, options.zone, this.z2gKinds, options.skipPrefixes, options.objectNameOf, options.naming);
    this.unwatch = options.store.watch((event) => {
      if (this.z2gKinds.includes(event.key.kind)) this.changed();
    });
  }

  /** Starts connecting; never throws (failures are retried). */
  start(): void {
    void this.connect();
  }

  /** The client's state now. */
  state(): ZoneSyncState {
    return {
      connected: this.session !== undefined && !this.session.ended && this.session.calls.length > 0,
      attempts: this.attempts,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      synced: [...(this.session?.receiver?.synced ?? [])],
    };
  }

  /** Calls `listener` whenever the state may have changed (tests wait on it). */
  onStateChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes the connection and stops retrying. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.session) this.endSession(this.session, 'zone control plane is stopping');
    await this.session?.receiver?.settle();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private changed(): void {
    if (this.changeTimer || this.stopped) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      const sender = this.session?.sender;
      if (!sender) return;
      this.offers.build().then(
        (offer) => sender.setOffer(offer),
        (err: unknown) => {
          this.options.logger.error({ err }, 'could not list resources for global; retrying');
          this.changed();
        },
      );
    }, this.settings.debounceMs);
  }

  private credentials(): grpc.ChannelCredentials {
    const url = new URL(this.options.globalAddress);
    if (url.protocol === 'grpc:') return grpc.credentials.createInsecure();
    const root = this.options.rootCa ? Buffer.from(this.options.rootCa) : null;
    return this.options.tlsSkipVerify
      ? grpc.credentials.createSsl(root, null, null, { rejectUnauthorized: false, checkServerIdentity: () => undefined })
      : grpc.credentials.createSsl(root);
  }

  private target(): string {
    const url = new URL(this.options.globalAddress);
    return `${url.hostname.replace(/^\[(.*)\]$/, '[$1]')}:${url.port || '5685'}`;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.attempts += 1;
    let token: string;
    try {
      token = (await this.options.token()).trim();
    } catch (err) {
      return this.retry(`could not read the zone token: ${(err as Error).message}`);
    }
    if (this.stopped) return;
    const channelOptions: grpc.ChannelOptions = {
      'grpc.keepalive_time_ms': 15_000,
      'grpc.keepalive_timeout_ms': 15_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.max_receive_message_length': this.settings.maxMessageBytes,
      'grpc.max_send_message_length': this.settings.maxMessageBytes,
      'grpc.default_compression_algorithm': 2,
      // A fresh channel per attempt: the backoff is ours, not the channel's.
      'grpc.use_local_subchannel_pool': 1,
    };
    let Sync: grpc.ServiceClientConstructor;
    let Health: grpc.ServiceClientConstructor;
    try {
      Sync = grpc.makeGenericClientConstructor(syncClientDefinition() as grpc.ServiceDefinition<grpc.UntypedServiceImplementation>, 'KdsSync');
      Health = grpc.makeGenericClientConstructor(healthServiceDefinition() as grpc.ServiceDefinition<grpc.UntypedServiceImplementation>, 'GlobalKds');
    } catch (err) {
      return this.retry((err as Error).message);
    }
    const credentials = this.credentials();
    const session: Session = {
      client: new Sync(this.target(), credentials, channelOptions),
      health: new Health(this.target(), credentials, channelOptions),
      calls: [],
      startedAt: Date.now(),
      ended: false,
    };
    this.session = session;
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    metadata.set('client-id', this.options.zone);
    metadata.set('connection-id', randomBytes(8).toString('hex'));
    metadata.set('instance-id', this.options.instanceId);
    metadata.set('version', this.options.version ?? '');
    metadata.set('features', 'hash-suffix');
    this.healthCheck(session, metadata);
    this.openGlobalToZone(session, metadata);
    await this.openZoneToGlobal(session, metadata);
  }

  private openGlobalToZone(session: Session, metadata: grpc.Metadata): void {
    const call = (session.client as unknown as { GlobalToZoneSync(md: grpc.Metadata): grpc.ClientDuplexStream<DeltaDiscoveryRequest, DeltaDiscoveryResponse> }).GlobalToZoneSync(metadata);
    session.calls.push(call as grpc.ClientDuplexStream<unknown, unknown>);
    this.watchCall(session, call as grpc.ClientDuplexStream<unknown, unknown>, 'GlobalToZoneSync');
    const receiver = new SyncReceiver({
      store: this.options.store,
      kinds: this.g2zKinds,
      node: { id: this.options.zone, metadata: { features: ['hash-suffix'] } as never },
      send: (req) => void call.write(req),
      ...(this.options.naming ? { naming: this.options.naming } : {}),
      // Only copies from global: objects created in this zone are never deleted by sync.
      inScope: (stored) => stored.labels?.[ORIGIN_LABEL] === 'global',
      onFailure: (reason, err) => {
        this.options.logger.error({ err }, reason);
        this.endSession(session, reason);
      },
      onApplied: (kind, plan) => {
        if (plan.rejected.length > 0) this.options.logger.warn({ kind, rejected: plan.rejected }, 'rejected resources from global (NACK)');
        this.notify();
      },
    });
    session.receiver = receiver;
    call.on('data', (res: DeltaDiscoveryResponse) => receiver.handleResponse(res));
    receiver.start();
  }

  private async openZoneToGlobal(session: Session, metadata: grpc.Metadata): Promise<void> {
    const call = (session.client as unknown as { ZoneToGlobalSync(md: grpc.Metadata): grpc.ClientDuplexStream<DeltaDiscoveryResponse, DeltaDiscoveryRequest> }).ZoneToGlobalSync(metadata);
    session.calls.push(call as grpc.ClientDuplexStream<unknown, unknown>);
    this.watchCall(session, call as grpc.ClientDuplexStream<unknown, unknown>, 'ZoneToGlobalSync');
    const sender = new SyncSender({
      sink: call,
      kinds: this.z2gKinds,
      nackBackoffMs: this.settings.nackBackoffMs,
      sendTimeoutMs: this.settings.sendTimeoutMs,
      ackTimeoutMs: this.settings.ackTimeoutMs,
      controlPlaneId: this.options.instanceId,
      onFailure: (reason) => this.endSession(session, reason),
      onNack: (kind, nack) => this.options.logger.warn({ kind, resources: nack.resources, error: nack.message }, 'global rejected resources of this zone (NACK)'),
    });
    session.sender = sender;
    call.on('data', (req: DeltaDiscoveryRequest) => sender.handleRequest(req));
    try {
      const offer = await this.offers.build();
      if (!session.ended) sender.setOffer(offer);
    } catch (err) {
      this.endSession(session, `could not list resources for global: ${(err as Error).message}`);
    }
  }

  private watchCall(session: Session, call: grpc.ClientDuplexStream<unknown, unknown>, name: string): void {
    call.on('error', (err: grpc.ServiceError) => this.endSession(session, `${name}: ${err.details || err.message}`));
    call.on('end', () => this.endSession(session, `${name} ended by global`));
    call.on('metadata', () => this.notify());
  }

  private healthCheck(session: Session, metadata: grpc.Metadata): void {
    if (session.ended) return;
    const method = (session.health as unknown as {
      HealthCheck(req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res?: ZoneHealthCheckResponse) => void): void;
    }).HealthCheck.bind(session.health);
    method({}, metadata, (err, res) => {
      if (session.ended) return;
      if (err) {
        this.endSession(session, `HealthCheck: ${err.details || err.message}`);
        return;
      }
      const told = Number(res?.interval_ms ?? 0);
      const interval = told > 0 ? told : this.settings.healthCheckIntervalMs;
      session.healthTimer = setTimeout(() => this.healthCheck(session, metadata), interval);
      session.healthTimer.unref();
    });
  }

  private endSession(session: Session, reason: string): void {
    if (session.ended) return;
    session.ended = true;
    session.sender?.close();
    session.receiver?.close();
    if (session.healthTimer) clearTimeout(session.healthTimer);
    for (const call of session.calls) call.cancel();
    session.client.close();
    session.health.close();
    if (this.session === session) this.session = undefined;
    if (Date.now() - session.startedAt >= this.settings.resetAfterMs) this.lastBackoff = undefined;
    this.notify();
    if (!this.stopped) this.retry(reason);
  }

  private retry(reason: string): void {
    if (this.stopped || this.retryTimer) return;
    this.lastError = reason;
    const delay = nextBackoff(this.lastBackoff, this.settings.baseBackoffMs, this.settings.maxBackoffMs);
    this.lastBackoff = delay;
    this.options.logger.warn({ reason, retryInMs: delay, globalAddress: this.options.globalAddress }, 'sync with the global control plane interrupted; reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
    this.notify();
  }
}
