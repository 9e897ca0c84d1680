// The sending side of one sync stream (global on GlobalToZoneSync, the zone on ZoneToGlobalSync):
// the receiver subscribes per kind with delta requests, and this side answers from its current
// offer with the ADS server's delta rules (xds/server/delta-stream.ts): the first response per
// kind is the complete set, later ones carry changes and explicit removals, a NACKed content is
// never resent and changed content waits out the NACK backoff. Around them it adds what a
// long-lived stream between control planes needs (docs/multizone.md §3.6, §10):
// - a response that cannot be written for `sendTimeoutMs` ends the stream;
// - a response neither ACKed nor NACKed within `ackTimeoutMs` ends the stream, so a stream that
//   stays open but stops carrying anything (a stalled peer or proxy) is restarted, not trusted;
// - a NACK is partial: the receiver stores every resource of the response it does not name in the
//   NACK (sync-apply.ts, docs/multizone.md §3.5), unlike Envoy, which drops the whole response. The ADS
//   rules roll the whole response back, so the resources the NACK does not name are put back as
//   held; otherwise a later deletion of one of them would never be sent (the sender would believe
//   the receiver never got it) and the copy would stay until the next reconnect.
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse } from '../xds/server/ads-service.js';
import { applyDeltaRequest, buildDeltaResponse } from '../xds/server/delta-stream.js';
import { TypeState, type NackRecord } from '../xds/server/stream-state.js';
import { snapshotType } from '../xds/cache/snapshot.js';
import type { SyncOffer } from './sync-types.js';

/** The outgoing half of a call: a Node writable in object mode (grpc-js calls are). */
export interface MessageSink<M> {
  write(message: M): boolean;
  once(event: 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/** Counters of one kind on one stream (ZoneInsight's per-type stats). */
export interface KindStats {
  responsesSent: number;
  responsesAcknowledged: number;
  responsesRejected: number;
}

type HeldEntry = ReturnType<TypeState['held']['get']>;

/**
 * What the latest response of `state` set for each name it touched, except the names a NACK
 * `message` rejects: one line per rejected resource, `<wire name>: <reason>` (sync-receiver.ts).
 */
function acceptedEntries(state: TypeState, message: string): Array<[string, HeldEntry]> {
  const last = state.last;
  if (!last || last.nacked === true) return [];
  const rejected = new Set(message.split('\n').map((line) => line.slice(0, Math.max(0, line.indexOf(': ')))));
  const accepted: Array<[string, HeldEntry]> = [];
  for (let i = 0; i < last.undo.length; i += 2) {
    const name = last.undo[i] as string;
    if (!rejected.has(name)) accepted.push([name, state.held.get(name)]);
  }
  return accepted;
}

/** Puts one name's held entry back as the accepted response had set it (undefined = removed). */
function restoreHeld(state: TypeState, name: string, entry: HeldEntry): void {
  if (entry === undefined) state.held.delete(name);
  else state.held.set(name, entry);
}

/** Settings of a sender. */
export interface SyncSenderOptions {
  readonly sink: MessageSink<DeltaDiscoveryResponse>;
  /** Kinds this side sends, in push order; requests for others get no response. */
  readonly kinds: readonly string[];
  readonly nackBackoffMs: number;
  readonly sendTimeoutMs: number;
  readonly ackTimeoutMs: number;
  readonly controlPlaneId: string;
  readonly now?: () => number;
  /** The stream must end (send timeout, ACK timeout); the caller closes it. */
  readonly onFailure: (reason: string) => void;
  /** A NACK arrived (logged and recorded by the caller). */
  readonly onNack?: (kind: string, nack: NackRecord) => void;
  /** A response was sent (stats and insight). */
  readonly onSent?: (kind: string, resources: number, removed: number) => void;
  /** Some counter of `stats` changed (a response sent, ACKed or NACKed). */
  readonly onStats?: () => void;
}

/** Drives the sending side of one stream. */
export class SyncSender {
  private readonly states = new Map<string, TypeState>();
  private readonly sentAt = new Map<string, number>();
  readonly stats = new Map<string, KindStats>();
  /** Bytes of resource envelopes sent on this stream (framing and compression not counted). */
  bytesSent = 0;
  private offer: SyncOffer | undefined;
  private pumping = false;
  private rerun = false;
  private closed = false;
  private nonces = 0;
  private deferTimer: NodeJS.Timeout | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SyncSenderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Replaces what this side offers; every subscribed kind is reconsidered. */
  setOffer(offer: SyncOffer): void {
    this.offer = offer;
    for (const state of this.states.values()) state.dirty = true;
    this.schedule();
  }

  /** Applies one request of the receiver: a subscription, an ACK or a NACK. */
  handleRequest(req: DeltaDiscoveryRequest): void {
    if (this.closed) return;
    const kind = req.type_url ?? '';
    if (!this.options.kinds.includes(kind)) return;
    const before = this.states.get(kind);
    const accepted = req.error_detail && before?.isCurrentNonce(req.response_nonce) ? acceptedEntries(before, req.error_detail.message ?? '') : [];
    const { state, outcome } = applyDeltaRequest(before, kind, req, this.now());
    if (outcome.nack) for (const [name, entry] of accepted) restoreHeld(state, name, entry);
    this.states.set(kind, state);
    const stats = this.statsOf(kind);
    if (outcome.kind === 'ack' || outcome.kind === 'nack') this.sentAt.delete(kind);
    if (outcome.kind === 'ack' && outcome.ackedVersion !== undefined) stats.responsesAcknowledged += 1;
    if (outcome.nack) {
      stats.responsesRejected += 1;
      this.options.onNack?.(kind, outcome.nack);
    }
    if (outcome.kind === 'ack' || outcome.nack) this.options.onStats?.();
    if (outcome.needsResponse) {
      state.dirty = true;
      this.schedule();
    }
  }

  /** Stops sending; idempotent. */
  close(): void {
    this.closed = true;
    if (this.deferTimer) clearTimeout(this.deferTimer);
    if (this.ackTimer) clearTimeout(this.ackTimer);
  }

  private statsOf(kind: string): KindStats {
    let stats = this.stats.get(kind);
    if (!stats) {
      stats = { responsesSent: 0, responsesAcknowledged: 0, responsesRejected: 0 };
      this.stats.set(kind, stats);
    }
    return stats;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.rerun = true;
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.rerun && !this.closed) this.schedule();
    });
  }

  private async pump(): Promise<void> {
    do {
      this.rerun = false;
      const offer = this.offer;
      if (!offer) return;
      for (const kind of this.options.kinds) {
        if (this.closed) return;
        const state = this.states.get(kind);
        if (!state?.dirty) continue;
        state.dirty = false;
        await this.send(kind, state, offer);
      }
    } while (this.rerun && !this.closed);
  }

  private async send(kind: string, state: TypeState, offer: SyncOffer): Promise<void> {
    const type = offer.get(kind) ?? snapshotType({ version: '', types: offer }, kind);
    const view = { typeUrl: kind, version: type.version, resources: type.resources, keep: new Set<string>(), shared: type.resources };
    const result = buildDeltaResponse(state, view, {
      now: this.now(),
      nackBackoffMs: this.options.nackBackoffMs,
      nextNonce: () => (++this.nonces).toString(36),
      controlPlane: { identifier: this.options.controlPlaneId },
    });
    if (result.kind === 'defer') {
      state.dirty = true;
      this.wakeAt(result.until);
      return;
    }
    if (result.kind !== 'send') return;
    this.statsOf(kind).responsesSent += 1;
    for (const r of result.message.resources) this.bytesSent += r.resource.value.byteLength;
    this.sentAt.set(kind, this.now());
    this.armAckTimer();
    this.options.onSent?.(kind, result.message.resources.length, result.message.removed_resources.length);
    this.options.onStats?.();
    await this.write(result.message);
  }

  private wakeAt(until: number): void {
    if (this.deferTimer) clearTimeout(this.deferTimer);
    this.deferTimer = setTimeout(() => {
      this.deferTimer = undefined;
      this.schedule();
    }, Math.max(0, until - this.now()));
    this.deferTimer.unref();
  }

  /** Checks, while some response is unanswered, that none waits longer than the ACK timeout. */
  private armAckTimer(): void {
    if (this.ackTimer || this.closed) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      if (this.closed) return;
      const oldest = Math.min(...this.sentAt.values());
      if (this.now() - oldest >= this.options.ackTimeoutMs) {
        const kinds = [...this.sentAt].filter(([, at]) => this.now() - at >= this.options.ackTimeoutMs).map(([k]) => k);
        this.options.onFailure(`no ACK or NACK within ${this.options.ackTimeoutMs} ms for ${kinds.join(', ')}`);
        return;
      }
      if (this.sentAt.size > 0) this.armAckTimer();
    }, this.options.ackTimeoutMs / 4);
    this.ackTimer.unref();
  }

  /** Writes one response, waiting for 'drain' (bounded by the send timeout) when the call is full. */
  private async write(message: DeltaDiscoveryResponse): Promise<void> {
    if (this.closed || this.options.sink.write(message)) return;
    const drained = await new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.options.sink.off('drain', done);
        resolve(false);
      }, this.options.sendTimeoutMs);
      this.options.sink.once('drain', done);
    });
    if (!drained && !this.closed) this.options.onFailure(`could not send for ${this.options.sendTimeoutMs} ms`);
  }
}
