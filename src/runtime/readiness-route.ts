// GET /ready in Kubernetes mode, with the health of every watcher (the store's, one per Kuma kind,
// and the controllers') in the body, so a control plane waiting for its API server says why.
//
// Ready means: startup completed, which needs every watcher's first complete list (design rule
// 10: nothing is served from a partial view). A watcher that fails later does not make the control
// plane unready: it keeps serving its cached view to connected proxies (docs/kubernetes-testing.md), and
// readiness going false during an API outage would only take every replica out of its Service at
// once. The failure shows in the body instead (`degraded`, each watcher's last error).
import type { ApiResponse } from '../api-server/problem.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { WatcherHealth } from '../k8s/watch/resource-watcher.js';

/** What the readiness route reads. */
export interface ReadinessSource {
  /** Startup completed and no stop has begun. */
  readonly started: () => boolean;
  /** Every watcher's health, by a name saying what it watches. */
  readonly watchers: () => Readonly<Record<string, WatcherHealth>>;
  /** Leader election state, when the control plane takes part in one. */
  readonly leadership?: () => { readonly leader: boolean; readonly holder?: string };
}

/** The body of GET /ready. */
export interface ReadinessReport {
  readonly ready: boolean;
  /** Some watcher is not synced or is failing (the cached view is served meanwhile). */
  readonly degraded: boolean;
  /** Watchers whose first list has not completed: what startup is waiting for. */
  readonly waitingFor: readonly string[];
  readonly watchers: Readonly<Record<string, WatcherHealth>>;
  readonly leader?: boolean;
  readonly leaderHolder?: string;
}

/** The readiness report of `source` now. */
export function readinessReport(source: ReadinessSource): ReadinessReport {
  const watchers = source.watchers();
  const entries = Object.entries(watchers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const waitingFor = entries.filter(([, h]) => !h.synced).map(([name]) => name);
  const degraded = entries.some(([, h]) => !h.healthy);
  const leadership = source.leadership?.();
  return {
    ready: source.started() && waitingFor.length === 0,
    degraded,
    waitingFor,
    watchers: Object.fromEntries(entries),
    ...(leadership ? { leader: leadership.leader, ...(leadership.holder ? { leaderHolder: leadership.holder } : {}) } : {}),
  };
}

/** The extra REST route serving GET /ready: 200 when ready, 503 before and while stopping. */
export function readinessRoute(source: ReadinessSource): ExtraRoute {
  return {
    method: 'GET',
    path: '/ready',
    // Health stays open, as Kuma leaves it (docs/api-auth.md).
    access: 'public',
    handler: async (): Promise<ApiResponse> => {
      const report = readinessReport(source);
      return { status: report.ready ? 200 : 503, body: report };
    },
  };
}
