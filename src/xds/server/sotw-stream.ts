// State-of-the-world protocol rules (docs/xds-server.md §5-§8): request classification, legacy
// wildcard, and response building from snapshot bytes. Pure functions over TypeState; the stream
// driver (ads-stream.ts) owns I/O, ordering and timers.
import type { SnapshotResource } from '../cache/snapshot.js';
import { digestStrings } from '../cache/version.js';
import type { DiscoveryRequest, DiscoveryResponse } from './ads-service.js';
import { TypeState } from './stream-state.js';
import type { HeldResource, RequestKind, RequestOutcome, TypeView } from './stream-state.js';
import type { AdsProtocol, BuildContext, BuildResult } from './protocol.js';

/**
 * Classifies a SotW request per the table of docs/xds-server.md §5. `first` = no state for the type on this stream
 * (whatever nonce it carries: nonces never survive a reconnect); `stale` = not the latest nonce.
 */
export function classifySotwRequest(state: TypeState | undefined, req: DiscoveryRequest): RequestKind {
  if (!state) return 'first';
  if (!state.isCurrentNonce(req.response_nonce)) return 'stale';
  if (req.error_detail) return 'nack';
  return state.last ? 'ack' : 'update';
}

/** Applies a SotW request to the type's state (creating it for a first request). */
export function applySotwRequest(
  existing: TypeState | undefined,
  typeUrl: string,
  req: DiscoveryRequest,
  now: number,
): { state: TypeState; outcome: RequestOutcome } {
  const kind = classifySotwRequest(existing, req);
  const state = existing ?? new TypeState(typeUrl);
  if (kind === 'stale') return { state, outcome: { kind, needsResponse: false } };
  const grew = setSotwNames(state, req.resource_names ?? []);
  if (kind === 'first') {
    state.mustRespond = true;
    return { state, outcome: { kind, needsResponse: true } };
  }
  if (kind === 'nack') {
    const nack = state.recordNack(req.error_detail?.message ?? '', now);
    return { state, outcome: { kind, needsResponse: grew, nack } };
  }
  const ackedVersion = kind === 'ack' ? state.ack() : undefined;
  return { state, outcome: { kind, needsResponse: grew, ackedVersion } };
}

/**
 * Replaces the subscription with `names` (legacy wildcard rules of docs/xds-server.md §6). Names that left the
 * subscription are forgotten; names that joined are forgotten too, so they are sent again even if
 * this stream sent them before. Returns whether the subscription grew.
 */
export function setSotwNames(state: TypeState, names: readonly string[]): boolean {
  const before = new Set(state.explicit);
  const wasWildcard = state.wildcard;
  state.explicit.clear();
  if (names.length === 0) {
    state.wildcard = state.legacyWildcardAllowed;
  } else {
    state.legacyWildcardAllowed = false;
    state.wildcard = names.includes('*');
    for (const name of names) if (name !== '*') state.explicit.add(name);
  }
  let grew = state.wildcard && !wasWildcard;
  for (const name of state.explicit) {
    if (before.has(name) || wasWildcard) continue;
    grew = true;
    state.held.delete(name);
  }
  if (!state.wildcard) {
    for (const name of [...state.held.keys()]) if (!state.explicit.has(name)) state.held.delete(name);
  }
  return grew;
}

/** The resources the subscription selects from the view, in name order. */
export function selectResources(state: TypeState, view: TypeView): SnapshotResource[] {
  if (state.wildcard) return [...view.resources.values()];
  const names = [...state.explicit].filter((n) => view.resources.has(n)).sort();
  return names.map((n) => view.resources.get(n)!);
}

/**
 * Builds the SotW response due for a type, or none. LDS/CDS: the full selected set whenever it
 * differs from what the client holds (an empty set deletes everything, docs/xds-server.md §8). Other types: only the
 * selected resources whose version the client does not hold (docs/xds-server.md §13 item 13); nothing when none.
 */
export function buildSotwResponse(state: TypeState, view: TypeView, ctx: BuildContext): BuildResult<DiscoveryResponse> {
  const selected = selectResources(state, view);
  let send: SnapshotResource[];
  if (state.fullState) {
    const unchanged = selected.length === state.held.size && selected.every((r) => state.held.get(r.name)?.version === r.version);
    if (unchanged && !state.mustRespond) return { kind: 'none' };
    send = selected;
  } else {
    send = selected.filter((r) => state.held.get(r.name)?.version !== r.version);
    if (send.length === 0) {
      state.mustRespond = false;
      return { kind: 'none' };
    }
  }
  const key = digestStrings(send.map((r) => `${r.name}@${r.version}`));
  const decision = state.gate(key, ctx.now, ctx.nackBackoffMs);
  if (decision.kind !== 'send') return decision.kind === 'defer' ? decision : { kind: 'none' };

  const undo: Array<string | HeldResource | undefined> = [];
  if (state.fullState) {
    const keepNames = new Set(selected.map((r) => r.name));
    for (const name of [...state.held.keys()]) if (!keepNames.has(name)) state.hold(name, undefined, undo);
  }
  for (const r of send) state.hold(r.name, r, undo);
  const nonce = ctx.nextNonce();
  state.commit({ nonce, version: view.version, key, undo }, view.shared);
  const message: DiscoveryResponse = {
    version_info: view.version,
    resources: send.map((r) => r.any),
    type_url: view.typeUrl,
    nonce,
    ...(ctx.controlPlane ? { control_plane: ctx.controlPlane } : {}),
  };
  return { kind: 'send', message, version: view.version, resourceCount: send.length };
}

/** The SotW protocol for the stream driver. */
export const SOTW_PROTOCOL: AdsProtocol<DiscoveryRequest, DiscoveryResponse> = {
  mode: 'sotw',
  apply: applySotwRequest,
  build: buildSotwResponse,
  nameCount: (req) => req.resource_names?.length ?? 0,
  canonicalNames: (req, canonical) => (req.resource_names?.length ? { ...req, resource_names: req.resource_names.map(canonical) } : req),
};
