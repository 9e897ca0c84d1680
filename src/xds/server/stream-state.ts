// Per-(stream, type URL) state (xds-server.md §14 rule 1): subscription, what the client is
// believed to hold, the latest nonce, ACK and NACK bookkeeping. Shared by the SotW and delta
// protocols; snapshots are only read. "Held" is updated when a response is committed (before it is
// written) and rolled back entry by entry when that response is NACKed, so after a NACK the state
// again describes the client's last good config.
import type { SnapshotResource } from '../cache/snapshot.js';
import { isFullStateType } from '../cache/resource-types.js';

/** What the client holds under one name; `version: null` = told it does not exist (delta). */
export interface HeldResource {
  readonly version: string | null;
  /** The exact resource sent, so it can be re-sent while retained (make-before-break). */
  readonly resource?: SnapshotResource;
}

/** What a stream may serve for one type right now: snapshot resources plus retained ones. */
export interface TypeView {
  readonly typeUrl: string;
  /** The snapshot's type version (SotW `version_info`, delta `system_version_info`). */
  readonly version: string;
  readonly resources: ReadonlyMap<string, SnapshotResource>;
  /** Names that must not be announced as removed yet (retained until routes stop using them). */
  readonly keep: ReadonlySet<string>;
}

/** A recorded NACK; `key` identifies the rejected content so it is never sent again. */
export interface NackRecord {
  readonly key: string;
  readonly version: string;
  readonly nonce: string;
  /** Names of the resources the rejected response carried (what Envoy refused to apply). */
  readonly resources: readonly string[];
  readonly message: string;
  readonly at: number;
  readonly count: number;
}

/** The latest response sent for a type; only its nonce is current. */
export interface SentResponse {
  readonly nonce: string;
  readonly version: string;
  readonly key: string;
  /** Previous held entries of every name the response touched, for rollback on NACK. */
  readonly undo: ReadonlyArray<readonly [string, HeldResource | undefined]>;
  /** It was NACKed: a later request echoing its nonce without `error_detail` is no ACK of it. */
  readonly nacked?: boolean;
}

/** How a request was classified (SotW table of §5; delta shares the ACK/NACK part). */
export type RequestKind = 'first' | 'stale' | 'ack' | 'nack' | 'update';

/** Result of applying one request to a type state. */
export interface RequestOutcome {
  readonly kind: RequestKind;
  /** A response may be due: the subscription grew, or this is the first request. */
  readonly needsResponse: boolean;
  /** Set for an ACK of the latest response: the version that response carried. */
  readonly ackedVersion?: string;
  /** Set for a NACK of the latest response. */
  readonly nack?: NackRecord;
}

/** Whether to send a computed response now (NACK rules of §14 rule 7). */
export type SendDecision = { readonly kind: 'send' } | { readonly kind: 'suppress' } | { readonly kind: 'defer'; readonly until: number };

/** The state of one type URL on one stream. */
export class TypeState {
  /** LDS/CDS: SotW responses carry the full set. */
  readonly fullState: boolean;
  /** Names subscribed explicitly (never `*`). */
  readonly explicit = new Set<string>();
  /** Subscribed to everything (explicit `*` or legacy wildcard). */
  wildcard = false;
  /** Until the client names anything, an empty SotW list (or first delta request) means `*` (§6). */
  legacyWildcardAllowed = true;
  /** Name → what the client is believed to hold. */
  readonly held = new Map<string, HeldResource>();
  /** Respond even if nothing differs (first request of the type on this stream). */
  mustRespond = false;
  /** Something may need sending; the driver computes and clears it. */
  dirty = false;
  last: SentResponse | undefined;
  /** The latest response was ACKed. */
  lastAcked = false;
  nack: NackRecord | undefined;

  constructor(readonly typeUrl: string) {
    this.fullState = isFullStateType(typeUrl);
  }

  /** True when `nonce` echoes the latest response (both empty counts as current). */
  isCurrentNonce(nonce: string | undefined): boolean {
    return (nonce || undefined) === this.last?.nonce;
  }

  /**
   * Records the ACK of the latest response; returns the version it carried, if any was sent. A
   * NACKed response is never ACKed: SotW Envoy echoes its nonce on later requests (a changed
   * subscription) with the version it still runs, not the rejected one.
   */
  ack(): string | undefined {
    if (!this.last || this.last.nacked === true) return undefined;
    this.lastAcked = true;
    return this.last.version;
  }

  /**
   * Records the NACK of the latest response and rolls `held` back to before it. A repeated NACK
   * of the same response records nothing new (undefined).
   */
  recordNack(message: string, now: number): NackRecord | undefined {
    const last = this.last;
    if (!last || last.nacked === true) return undefined;
    const resources = sentNames(last.undo, this.held);
    for (let i = last.undo.length - 1; i >= 0; i--) {
      const [name, previous] = last.undo[i]!;
      if (previous === undefined) this.held.delete(name);
      else this.held.set(name, previous);
    }
    const count = (this.nack?.count ?? 0) + 1;
    this.nack = { key: last.key, version: last.version, nonce: last.nonce, resources, message, at: now, count };
    this.last = { ...last, undo: [], nacked: true };
    this.lastAcked = false;
    return this.nack;
  }

  /**
   * Never resend rejected content; send changed content only once the backoff after the NACK
   * has passed. `key` identifies the content about to be sent.
   */
  gate(key: string, now: number, nackBackoffMs: number): SendDecision {
    if (!this.nack) return { kind: 'send' };
    if (key === this.nack.key) return { kind: 'suppress' };
    const until = this.nack.at + nackBackoffMs;
    return now < until ? { kind: 'defer', until } : { kind: 'send' };
  }

  /** Sets a held entry, remembering the previous one in `undo`. */
  hold(name: string, entry: HeldResource | undefined, undo: Array<readonly [string, HeldResource | undefined]>): void {
    undo.push([name, this.held.get(name)]);
    if (entry === undefined) this.held.delete(name);
    else this.held.set(name, entry);
  }

  /** Makes a built response the latest one. */
  commit(sent: SentResponse): void {
    this.last = sent;
    this.lastAcked = false;
    this.mustRespond = false;
  }

  /**
   * Settled = nothing pending, the latest response ACKed, and every resource of `resources` held
   * at its current version. Used to decide that retained clusters may be removed.
   */
  settled(resources: ReadonlyMap<string, SnapshotResource>): boolean {
    if (this.dirty || this.mustRespond) return false;
    if (this.last && !this.lastAcked) return false;
    for (const [name, resource] of resources) {
      if (this.held.get(name)?.version !== resource.version) return false;
    }
    return true;
  }

  /** Whether the name is currently subscribed (explicitly or through the wildcard). */
  wants(name: string, view: TypeView): boolean {
    return this.explicit.has(name) || (this.wildcard && view.resources.has(name));
  }
}

/** Names a response put in `held` with a version (sent), not the ones it removed; ascending. */
function sentNames(undo: SentResponse['undo'], held: ReadonlyMap<string, HeldResource>): string[] {
  const names = undo.map(([name]) => name).filter((name) => (held.get(name)?.version ?? null) !== null);
  return [...new Set(names)].sort();
}
