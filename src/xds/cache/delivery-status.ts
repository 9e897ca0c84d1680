// What each proxy was sent, ACKed and NACKed, per type (docs/xds-server.md §14 rule 7,
// docs/robustness.md §3.3). The xDS server records; the runtime reads it for dataplane insights and metrics, and the
// benchmark listens for ACK events (REST change → ACK of the new version). State is per node id,
// not per stream: it outlives reconnects so a NACK stays visible. A type's last NACK is cleared
// when the proxy ACKs another version of that type: it then runs a configuration it accepted.

/** Longest `error_detail` message kept; Envoy's can run to kilobytes (every failing resource). */
export const MAX_NACK_MESSAGE = 1024;
/** Most rejected resource names kept per NACK (a SotW LDS/CDS response names every resource). */
export const MAX_NACK_RESOURCES = 20;

/** A NACKed response as the xDS server saw it. */
export interface RejectedResponse {
  /** Type version of the rejected response. */
  readonly version: string;
  /** Nonce of the rejected response. */
  readonly nonce: string;
  /** `error_detail.message` sent by Envoy (bounded here). */
  readonly message: string;
  /** Names of the resources that response carried, ascending (bounded here). */
  readonly resources: readonly string[];
}

/** Last NACK of one type by one proxy. */
export interface NackInfo extends RejectedResponse {
  readonly at: Date;
  /** NACKs of this type by this proxy since its status was created. */
  readonly count: number;
}

/** Delivery state of one type for one proxy. */
export interface TypeDelivery {
  readonly typeUrl: string;
  readonly sentVersion?: string;
  readonly sentAt?: Date;
  readonly ackedVersion?: string;
  readonly ackedAt?: Date;
  /** The last NACK, until another version of the type is ACKed. */
  readonly lastNack?: NackInfo;
  /** Responses of this type sent to this proxy since its status was created. */
  readonly sends?: number;
  /** ACKs of this type by this proxy since its status was created. */
  readonly acks?: number;
  /** NACKs of this type by this proxy since its status was created (survives clearing). */
  readonly nacks?: number;
}

/** Delivery state of one proxy. */
export interface NodeDelivery {
  readonly nodeId: string;
  /** Open ADS streams of this node right now (normally 0 or 1). */
  readonly connectedStreams: number;
  readonly lastConnectedAt?: Date;
  readonly lastDisconnectedAt?: Date;
  /** Envoy's admin port, as its node metadata (`dataplane.admin.port`) said at its last connection. */
  readonly adminPort?: number;
  readonly types: readonly TypeDelivery[];
}

/** A node's delivery records by node id: this replica's, or shared by several (runtime/shared-delivery.ts). */
export type DeliveryRecords = (nodeId: string) => NodeDelivery | undefined;

/** Emitted when a proxy ACKs a response; `version` is the type version that response carried. */
export interface AckEvent {
  readonly nodeId: string;
  readonly typeUrl: string;
  readonly version: string;
  readonly at: Date;
  /** When the last response of this type was sent to the node (what the ACK answers, normally). */
  readonly sentAt?: Date;
}

/** Totals since start over every node, by type (the metrics read them). */
export interface DeliveryTotals {
  /** Open ADS streams right now. */
  readonly activeStreams: number;
  readonly byType: ReadonlyMap<string, { readonly sent: number; readonly acks: number; readonly nacks: number }>;
}

/** Emitted when a proxy NACKs a response. */
export interface NackEvent extends NackInfo {
  readonly nodeId: string;
  readonly typeUrl: string;
}

interface MutableNode {
  connectedStreams: number;
  adminPort?: number;
  lastConnectedAt?: Date;
  lastDisconnectedAt?: Date;
  types: Map<string, TypeDelivery>;
}

/** Records deliveries per (node, type) and notifies ACK/NACK listeners synchronously. */
export class DeliveryStatus {
  private readonly nodes = new Map<string, MutableNode>();
  private readonly ackListeners = new Set<(event: AckEvent) => void>();
  private readonly nackListeners = new Set<(event: NackEvent) => void>();
  private readonly changeListeners = new Set<(nodeId: string) => void>();
  // Unlike the per-node counts, these survive forget(): metrics counters never go down.
  private activeStreams = 0;
  private readonly typeTotals = new Map<string, { sent: number; acks: number; nacks: number }>();

  /** `now` is injectable so tests can control timestamps. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  /** A stream of the node passed its first message (identity known); `adminPort` from its metadata. */
  streamOpened(nodeId: string, adminPort?: number): void {
    const node = this.node(nodeId);
    if (adminPort !== undefined) node.adminPort = adminPort;
    node.connectedStreams += 1;
    node.lastConnectedAt = this.now();
    this.activeStreams += 1;
    this.changed(nodeId);
  }

  /** A stream of the node ended, for whatever reason. */
  streamClosed(nodeId: string): void {
    const node = this.node(nodeId);
    if (node.connectedStreams > 0) this.activeStreams -= 1;
    node.connectedStreams = Math.max(0, node.connectedStreams - 1);
    node.lastDisconnectedAt = this.now();
    this.changed(nodeId);
  }

  /** A response of `typeUrl` with `version` was written to the node. */
  recordSent(nodeId: string, typeUrl: string, version: string): void {
    const sends = (this.nodes.get(nodeId)?.types.get(typeUrl)?.sends ?? 0) + 1;
    this.update(nodeId, typeUrl, { sentVersion: version, sentAt: this.now(), sends });
    this.total(typeUrl).sent += 1;
  }

  /**
   * The node ACKed the response of `typeUrl` that carried `version`. ACKing a version other than
   * the one last NACKed clears that NACK (the count stays, for the next one).
   */
  recordAck(nodeId: string, typeUrl: string, version: string): void {
    const at = this.now();
    const previous = this.nodes.get(nodeId)?.types.get(typeUrl);
    const nack = previous?.lastNack;
    const cleared = nack !== undefined && nack.version !== version;
    const acks = (previous?.acks ?? 0) + 1;
    this.update(nodeId, typeUrl, { ackedVersion: version, ackedAt: at, acks, ...(cleared ? { lastNack: undefined } : {}) });
    this.total(typeUrl).acks += 1;
    const sentAt = previous?.sentAt;
    for (const listener of this.ackListeners) listener({ nodeId, typeUrl, version, at, ...(sentAt ? { sentAt } : {}) });
  }

  /** The node NACKed `rejected`, a response of `typeUrl`. */
  recordNack(nodeId: string, typeUrl: string, rejected: RejectedResponse): void {
    const count = (this.nodes.get(nodeId)?.types.get(typeUrl)?.nacks ?? 0) + 1;
    const nack: NackInfo = {
      version: rejected.version,
      nonce: rejected.nonce,
      message: boundMessage(rejected.message),
      resources: [...rejected.resources].sort().slice(0, MAX_NACK_RESOURCES),
      at: this.now(),
      count,
    };
    this.update(nodeId, typeUrl, { lastNack: nack, nacks: count });
    this.total(typeUrl).nacks += 1;
    for (const listener of this.nackListeners) listener({ nodeId, typeUrl, ...nack });
  }

  /** Current state of a node, or undefined if it never connected. Types are sorted by URL. */
  status(nodeId: string): NodeDelivery | undefined {
    const node = this.nodes.get(nodeId);
    if (!node) return undefined;
    const types = [...node.types.values()].sort((a, b) => (a.typeUrl < b.typeUrl ? -1 : 1));
    const { connectedStreams, lastConnectedAt, lastDisconnectedAt, adminPort } = node;
    return { nodeId, connectedStreams, lastConnectedAt, lastDisconnectedAt, ...(adminPort === undefined ? {} : { adminPort }), types };
  }

  /** Listen for ACKs; returns the unsubscribe function. Listeners must not throw. */
  onAck(listener: (event: AckEvent) => void): () => void {
    this.ackListeners.add(listener);
    return () => this.ackListeners.delete(listener);
  }

  /** Listen for NACKs; returns the unsubscribe function. Listeners must not throw. */
  onNack(listener: (event: NackEvent) => void): () => void {
    this.nackListeners.add(listener);
    return () => this.nackListeners.delete(listener);
  }

  /**
   * Listen for any change of a node's state (a stream opened or closed, a response sent, an ACK,
   * a NACK, the node forgotten); returns the unsubscribe function. Called after the change, with
   * the node id only: a listener reads `status()` when it needs the state. Must not throw.
   */
  onChange(listener: (nodeId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Node ids with an open ADS stream right now, in no particular order. */
  connectedNodeIds(): string[] {
    const ids: string[] = [];
    for (const [nodeId, node] of this.nodes) if (node.connectedStreams > 0) ids.push(nodeId);
    return ids;
  }

  /** Totals since start (the metrics read them). */
  totals(): DeliveryTotals {
    return { activeStreams: this.activeStreams, byType: this.typeTotals };
  }

  private total(typeUrl: string): { sent: number; acks: number; nacks: number } {
    let total = this.typeTotals.get(typeUrl);
    if (!total) this.typeTotals.set(typeUrl, (total = { sent: 0, acks: 0, nacks: 0 }));
    return total;
  }

  /** Drops a node's state (its Dataplane was deleted). */
  forget(nodeId: string): void {
    this.activeStreams -= this.nodes.get(nodeId)?.connectedStreams ?? 0;
    this.nodes.delete(nodeId);
    this.changed(nodeId);
  }

  private changed(nodeId: string): void {
    for (const listener of this.changeListeners) listener(nodeId);
  }

  private node(nodeId: string): MutableNode {
    let node = this.nodes.get(nodeId);
    if (!node) {
      node = { connectedStreams: 0, types: new Map() };
      this.nodes.set(nodeId, node);
    }
    return node;
  }

  /** Applies a patch; a field patched to undefined is removed rather than kept as undefined. */
  private update(nodeId: string, typeUrl: string, patch: Partial<TypeDelivery>): void {
    const types = this.node(nodeId).types;
    const next: Record<string, unknown> = { ...(types.get(typeUrl) ?? { typeUrl }), ...patch };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    types.set(typeUrl, next as unknown as TypeDelivery);
    this.changed(nodeId);
  }
}

/** Envoy's message cut to MAX_NACK_MESSAGE characters, saying how much was cut. */
function boundMessage(message: string): string {
  if (message.length <= MAX_NACK_MESSAGE) return message;
  const cut = message.length - MAX_NACK_MESSAGE;
  return `${message.slice(0, MAX_NACK_MESSAGE)}… (${cut} more characters)`;
}
