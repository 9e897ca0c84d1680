// Per-(stream, type URL) state (docs/xds-server.md §14 rule 1): subscription, what the client is
// believed to hold, the latest nonce, ACK and NACK bookkeeping. Shared by the SotW and delta
// protocols; snapshots are only read. "Held" is updated when a response is committed (before it is
// written) and rolled back entry by entry when that response is NACKed, so after a NACK the state
// again describes the client's last good config. Held entries are mostly shared with the snapshot
// (held-resources.ts), so an idle stream costs little.
import type { SnapshotResource } from '../cache/snapshot.js';
import { isFullStateType } from '../cache/resource-types.js';
import { HeldResources, type HeldResource } from './held-resources.js';

export type { HeldResource } from './held-resources.js';

/** What a stream may serve for one type right now: snapshot resources plus retained ones. */
export interface TypeView {
  readonly typeUrl: string;
  /** The snapshot's type version (SotW `version_info`, delta `system_version_info`). */
  readonly version: string;
  readonly resources: ReadonlyMap<string, SnapshotResource>;
  /** Names that must not be announced as removed yet (retained until routes stop using them). */
  readonly keep: ReadonlySet<string>;
  /**
   * The snapshot type's own resources, shared by every stream: what `held` may reference instead of
   * copying (absent = keep a plain copy).
   */
  readonly shared?: ReadonlyMap<string, SnapshotResource>;
}

/**
 * Previous held entries of every name a response touched, flat: name, previous entry (undefined =
 * not held), name, previous entry... (one array instead of a pair per name).
 */
export type HeldUndo = ReadonlyArray<string | HeldResource | undefined>;

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
  readonly undo: HeldUndo;
  /** It was NACKed: a later request echoing its nonce without `error_detail` is no ACK of it. */
  readonly nacked?: boolean;
}

/** How a request was classified (SotW table of docs/xds-server.md §5; delta shares the ACK/NACK part). */
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

/** Whether to send a computed response now (NACK rules of docs/xds-server.md §14 rule 7). */
export type SendDecision = { readonly kind: 'send' } | { readonly kind: 'suppress' } | { readonly kind: 'defer'; readonly until: number };

/** The state of one type URL on one stream. */
export class TypeState {
  /** LDS/CDS: SotW responses carry the full set. */
  readonly fullState: boolean;
  /** Names subscribed explicitly (never `*`). */
  readonly explicit = new Set<string>();
  /** Subscribed to everything (explicit `*` or legacy wildcard). */
  wildcard = false;
  /** Until the client names anything, an empty SotW list (or first delta request) means `*` (docs/xds-server.md §6). */
  legacyWildcardAllowed = true;
  /** Name → what the client is believed to hold. */
  readonly held = new HeldResources();
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
    for (let i = last.undo.length - 2; i >= 0; i -= 2) {
      const name = last.undo[i] as string;
      const previous = last.undo[i + 1] as HeldResource | undefined;
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
  hold(name: string, entry: HeldResource | undefined, undo: Array<string | HeldResource | undefined>): void {
    undo.push(name, this.held.get(name));
    if (entry === undefined) this.held.delete(name);
    else this.held.set(name, entry);
  }

  /**
   * Makes a built response the latest one. `shared` (the view's) lets `held` reference the
   * snapshot instead of keeping its own copy.
   */
  commit(sent: SentResponse, shared?: ReadonlyMap<string, SnapshotResource>): void {
    // Kept until the next response (a NACK may come after the ACK): store it without spare capacity.
    this.last = { ...sent, undo: sent.undo.slice() };
    this.lastAcked = false;
    this.mustRespond = false;
    if (shared) this.held.rebase(shared);
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
function sentNames(undo: HeldUndo, held: HeldResources): string[] {
  const names = new Set<string>();
  for (let i = 0; i < undo.length; i += 2) {
    const name = undo[i] as string;
    if ((held.get(name)?.version ?? null) !== null) names.add(name);
  }
  return [...names].sort();
}
