// Incremental (delta) protocol rules (docs/xds-server.md §5, §6, §8, §11). Subscription changes are
// applied whatever the nonce says; the nonce only pairs an ACK/NACK with a response (docs/xds-server.md §13 item 2).
// Pure functions over TypeState; the driver (ads-stream.ts) owns I/O, ordering and timers.
import type { SnapshotResource } from '../cache/snapshot.js';
import { digestStrings } from '../cache/version.js';
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DeltaResource } from './ads-service.js';
import { TypeState } from './stream-state.js';
import type { HeldResource, RequestOutcome, TypeView } from './stream-state.js';
import type { AdsProtocol, BuildContext, BuildResult } from './protocol.js';
import { NOT_FOUND } from './held-resources.js';

/**
 * Applies a delta request. A first request (no state for the type on this stream) subscribes,
 * seeds `held` from `initial_resource_versions` (the client's cache from an earlier stream) and
 * always gets a response. Later requests apply (un)subscriptions, then ACK/NACK if the nonce is
 * the latest one; a stale nonce only skips the ACK/NACK part.
 */
export function applyDeltaRequest(
  existing: TypeState | undefined,
  typeUrl: string,
  req: DeltaDiscoveryRequest,
  now: number,
): { state: TypeState; outcome: RequestOutcome } {
  const subscribe = req.resource_names_subscribe ?? [];
  const unsubscribe = req.resource_names_unsubscribe ?? [];
  if (!existing) {
    const state = new TypeState(typeUrl);
    if (subscribe.length === 0) state.wildcard = true;
    subscribeNames(state, subscribe, false);
    unsubscribeNames(state, unsubscribe);
    for (const [name, version] of Object.entries(req.initial_resource_versions ?? {})) {
      state.held.set(name, { version });
    }
    state.mustRespond = true;
    return { state, outcome: { kind: 'first', needsResponse: true } };
  }
  const state = existing;
  // Unsubscribing a name while subscribed to `*` needs an answer: is it still covered? (docs/xds-server.md §11)
  const subscribed = subscribeNames(state, subscribe, true);
  const grew = unsubscribeNames(state, unsubscribe) || subscribed;
  if (!req.response_nonce) return { state, outcome: { kind: 'update', needsResponse: grew } };
  if (!state.isCurrentNonce(req.response_nonce)) return { state, outcome: { kind: 'stale', needsResponse: grew } };
  if (req.error_detail) {
    const nack = state.recordNack(req.error_detail.message ?? '', now);
    return { state, outcome: { kind: 'nack', needsResponse: grew, nack } };
  }
  return { state, outcome: { kind: 'ack', needsResponse: grew, ackedVersion: state.ack() } };
}

/**
 * Adds names to the subscription (`*` = wildcard). After the first request a subscribed name is
 * forgotten from `held` so it is sent again: the client may have dropped it (docs/xds-server.md §11).
 */
function subscribeNames(state: TypeState, names: readonly string[], resend: boolean): boolean {
  if (names.length > 0) state.legacyWildcardAllowed = false;
  for (const name of names) {
    if (name === '*') state.wildcard = true;
    else state.explicit.add(name);
    if (resend) state.held.delete(name);
  }
  return names.length > 0;
}

/**
 * Removes names from the subscription; phantom names are ignored. Forgetting the held version
 * makes the next computation re-send the name when the wildcard still covers it (docs/xds-server.md §11); returns
 * whether such an answer is due.
 */
function unsubscribeNames(state: TypeState, names: readonly string[]): boolean {
  let answerDue = false;
  for (const name of names) {
    if (name === '*') {
      state.wildcard = false;
      for (const held of [...state.held.keys()]) if (!state.explicit.has(held)) state.held.delete(held);
      continue;
    }
    answerDue ||= state.wildcard && state.explicit.has(name);
    state.explicit.delete(name);
    state.held.delete(name);
  }
  return answerDue;
}

/**
 * Builds the delta response due for a type, or none: changed or new subscribed resources, and in
 * `removed_resources` the names the client holds (or explicitly asked for) that do not exist —
 * except names the view says to keep. A first request is always answered, possibly empty.
 */
export function buildDeltaResponse(state: TypeState, view: TypeView, ctx: BuildContext): BuildResult<DeltaDiscoveryResponse> {
  const send: SnapshotResource[] = [];
  const removed: string[] = [];
  const changes: Array<readonly [string, HeldResource | undefined]> = [];
  const candidates = new Set<string>([...state.explicit, ...state.held.keys()]);
  if (state.wildcard) for (const name of view.resources.keys()) candidates.add(name);
  for (const name of [...candidates].sort()) {
    const resource = view.resources.get(name);
    const held = state.held.get(name);
    if (resource && state.wants(name, view)) {
      if (held?.version !== resource.version) {
        send.push(resource);
        changes.push([name, resource]);
      }
    } else if (view.keep.has(name)) {
      continue;
    } else if (state.explicit.has(name)) {
      if (held?.version !== null) {
        removed.push(name);
        changes.push([name, NOT_FOUND]);
      }
    } else if (held) {
      if (held.version !== null) removed.push(name);
      changes.push([name, undefined]);
    }
  }
  if (send.length === 0 && removed.length === 0 && !state.mustRespond) return { kind: 'none' };
  const key = digestStrings([...send.map((r) => `${r.name}@${r.version}`), ...removed.map((n) => `-${n}`)]);
  const decision = state.mustRespond ? { kind: 'send' as const } : state.gate(key, ctx.now, ctx.nackBackoffMs);
  if (decision.kind !== 'send') return decision.kind === 'defer' ? decision : { kind: 'none' };

  const undo: Array<string | HeldResource | undefined> = [];
  for (const [name, entry] of changes) state.hold(name, entry, undo);
  const nonce = ctx.nextNonce();
  state.commit({ nonce, version: view.version, key, undo }, view.shared);
  const message: DeltaDiscoveryResponse = {
    system_version_info: view.version,
    resources: send.map((r): DeltaResource => ({ name: r.name, version: r.version, resource: r.any })),
    type_url: view.typeUrl,
    removed_resources: removed,
    nonce,
    ...(ctx.controlPlane ? { control_plane: ctx.controlPlane } : {}),
  };
  return { kind: 'send', message, version: view.version, resourceCount: send.length };
}

/** The delta protocol for the stream driver. */
export const DELTA_PROTOCOL: AdsProtocol<DeltaDiscoveryRequest, DeltaDiscoveryResponse> = {
  mode: 'delta',
  apply: applyDeltaRequest,
  build: buildDeltaResponse,
  nameCount: (req) =>
    (req.resource_names_subscribe?.length ?? 0) +
    (req.resource_names_unsubscribe?.length ?? 0) +
    Object.keys(req.initial_resource_versions ?? {}).length,
  canonicalNames: (req, canonical) => ({
    ...req,
    ...(req.resource_names_subscribe?.length ? { resource_names_subscribe: req.resource_names_subscribe.map(canonical) } : {}),
    ...(req.resource_names_unsubscribe?.length ? { resource_names_unsubscribe: req.resource_names_unsubscribe.map(canonical) } : {}),
  }),
};
