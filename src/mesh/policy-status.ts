// Where one connection policy applies, and where it lost (issue 11 item 7): computed on demand
// from what each proxy's last generation recorded of its policy places (the sources it matches
// policies from, its clusters, outbounds and routes with their destinations), by the same matcher
// generation uses (connection-policies.ts, policy-effects.ts routeLevelWinners). Pure.
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { matchesAny, SourcePolicies, type ConnectionPolicies, type ConnectionPolicyKind, type PolicyWinners } from './connection-policies.js';
import { routeLevelWinners, type RouteDestination } from './policy-effects.js';
import { selectorMatches } from './selectors.js';

/** A place one destination's winners land on. */
export type DestinationPlaceType = 'cluster' | 'outbound';

/** A place of a proxy's configuration a policy can land on. */
export type PlaceType = DestinationPlaceType | 'route';

/** A cluster or sidecar outbound: one destination seen from one source. */
export interface DestinationPlace {
  readonly type: DestinationPlaceType;
  readonly name: string;
  readonly destination: Tags;
  /** Index into PolicyPlaces.sources. */
  readonly source: number;
}

/** What a gateway route forwards to: cluster names of `destinations` places. */
export interface RouteAction {
  readonly forwards: readonly string[];
  readonly mirror?: string;
}

/**
 * A gateway route table: per virtual host, each forwarding route's match (`prefix /api`, with the
 * names of header and query matches) and the index of its action in PolicyPlaces.actions. Routes
 * are named `<route table> <virtual host> <match>` in statuses.
 */
export interface RouteTablePlaces {
  readonly name: string;
  readonly hosts: readonly { readonly hostname: string; readonly routes: readonly (readonly [match: string, action: number])[] }[];
}

/** What a generation records of one proxy's places, as plain data. */
export interface PolicyPlaces {
  /**
   * The sources policies are matched from: each entry is the tag sets of one source, any of
   * which a source selector may match (a gateway listener's merged tags; every inbound of a sidecar).
   */
  readonly sources: readonly (readonly Tags[])[];
  readonly destinations: readonly DestinationPlace[];
  /**
   * The distinct actions of the routes (routes forwarding alike share one): the route-level
   * choice depends on the action only, so it is made once per action.
   */
  readonly actions: readonly RouteAction[];
  readonly routeTables: readonly RouteTablePlaces[];
}

/**
 * The places each kind lands on (policy-effects.ts); a kind missing here lands on every place.
 * A kind that never lands somewhere (a route-only kind) adds its one line.
 */
const PLACES_BY_KIND: Partial<Record<ConnectionPolicyKind, readonly PlaceType[]>> = {
  Timeout: ['cluster', 'outbound', 'route'],
};

function landsOn(kind: ConnectionPolicyKind, place: PlaceType): boolean {
  return PLACES_BY_KIND[kind]?.includes(place) ?? true;
}

/** One place of one proxy where the policy won, or lost to `winner`. */
export interface PolicyPlaceResult {
  readonly type: PlaceType;
  readonly name: string;
  /** The policy of the same kind that won instead; absent where this policy won. */
  readonly winner?: string;
}

/** The policy seen from one proxy whose sources it matches. */
export interface ProxyPolicyStatus {
  readonly proxy: string;
  readonly type: 'gateway' | 'sidecar';
  /** Where it won, in place order (destinations, then routes). */
  readonly applied: readonly PolicyPlaceResult[];
  /** Where its destination selectors matched but another policy won. */
  readonly lost: readonly PolicyPlaceResult[];
}

/** The status of one policy. */
export interface PolicyStatus {
  /** Proxies of the mesh whose last generation recorded places. */
  readonly proxies: number;
  /** Of those, how many the policy's sources match, and on how many it landed somewhere. */
  readonly matched: number;
  readonly applied: number;
  /** One entry per matched proxy, ascending name. */
  readonly details: readonly ProxyPolicyStatus[];
}

/** One proxy's recorded places. */
export interface ProxyPlaces {
  readonly proxy: string;
  readonly type: 'gateway' | 'sidecar';
  readonly places: PolicyPlaces;
}

/** The status of `policy` (of `kind`, one of `policies`) over `proxies`. */
export function policyStatus(kind: ConnectionPolicyKind, policy: StoredResource, policies: ConnectionPolicies, proxies: readonly ProxyPlaces[]): PolicyStatus {
  const spec = policy.spec as { readonly sources: readonly { readonly match: Tags }[]; readonly destinations: readonly { readonly match: Tags }[] };
  const details: ProxyPolicyStatus[] = [];
  // Replicas of one gateway share their generation's places: each is computed once.
  const byPlaces = new Map<PolicyPlaces, { applied: PolicyPlaceResult[]; lost: PolicyPlaceResult[] } | undefined>();
  for (const { proxy, type, places } of proxies) {
    let result = byPlaces.get(places);
    if (!byPlaces.has(places)) {
      const sourceMatched = places.sources.map((tagSets) => spec.sources.some((s) => tagSets.some((tags) => selectorMatches(s.match, tags))));
      result = sourceMatched.includes(true) ? proxyPlaces(kind, policy.name, spec.destinations, policies, places, sourceMatched) : undefined;
      byPlaces.set(places, result);
    }
    if (result !== undefined) details.push({ proxy, type, applied: result.applied, lost: result.lost });
  }
  details.sort((a, b) => (a.proxy < b.proxy ? -1 : a.proxy > b.proxy ? 1 : 0));
  return { proxies: proxies.length, matched: details.length, applied: details.filter((d) => d.applied.length > 0).length, details };
}

/** Where the policy won and lost on one proxy it matches as a source (at `sourceMatched`). */
function proxyPlaces(
  kind: ConnectionPolicyKind,
  name: string,
  destinations: readonly { readonly match: Tags }[],
  policies: ConnectionPolicies,
  places: PolicyPlaces,
  sourceMatched: readonly boolean[],
): { applied: PolicyPlaceResult[]; lost: PolicyPlaceResult[] } {
  const applied: PolicyPlaceResult[] = [];
  const lost: PolicyPlaceResult[] = [];
  // Won here, or lost to another policy where it was a contender (`concerned`).
  const record = (winners: PolicyWinners, type: PlaceType, placeName: string, concerned: boolean): void => {
    const winner = winners[kind];
    if (winner?.name === name) applied.push({ type, name: placeName });
    else if (concerned && winner !== undefined) lost.push({ type, name: placeName, winner: winner.name });
  };
  const matchers = new Map<number, SourcePolicies>();
  const byCluster = new Map<string, RouteDestination>();
  for (const place of places.destinations) {
    // Routes read every cluster's winners, whichever source it was matched from.
    let source = matchers.get(place.source);
    if (source === undefined) {
      source = new SourcePolicies(policies, matchesAny(places.sources[place.source] ?? []));
      matchers.set(place.source, source);
    }
    const winners = source.winners(place.destination);
    if (place.type === 'cluster') byCluster.set(place.name, { destination: place.destination, winners });
    if (!sourceMatched[place.source] || !landsOn(kind, place.type)) continue;
    record(winners, place.type, place.name, destinations.some((d) => selectorMatches(d.match, place.destination)));
  }
  if (landsOn(kind, 'route') && places.routeTables.length > 0) {
    const choices = places.actions.map((action) => {
      const forwards = action.forwards.map((c) => byCluster.get(c)).filter((d): d is RouteDestination => d !== undefined);
      const mirrors = action.mirror === undefined ? [] : [byCluster.get(action.mirror)].filter((d): d is RouteDestination => d !== undefined);
      // A route is this policy's concern when it won for one of the route's destinations.
      const concerned = [...forwards, ...mirrors].some((d) => d.winners[kind]?.name === name);
      return { winners: routeLevelWinners(forwards, mirrors), concerned };
    });
    for (const table of places.routeTables) {
      for (const host of table.hosts) {
        for (const [match, action] of host.routes) {
          const choice = choices[action];
          if (choice !== undefined) record(choice.winners, 'route', `${table.name} ${host.hostname} ${match}`, choice.concerned);
        }
      }
    }
  }
  return { applied, lost };
}
