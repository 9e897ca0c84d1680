// What the `Rejected` reason of `Programmed` is made of (docs/status.md): the configuration a
// proxy NACKed, attributed to the resources it came from, and the message that names Envoy's
// reason. A MeshGateway owns everything its proxies are sent. A MeshGatewayRoute owns the
// listeners that bind it and their RouteConfigurations (`<listener>:<hostname>`, ir/names.ts);
// a rejection naming only other listeners or route tables is not its own, while one that cannot
// be attributed by name (clusters, endpoints, secrets, or no names at all) is everybody's.
import { joinListed } from './status-conditions.js';

/** Envoy's name of the listener type. */
export const LISTENER_TYPE = 'Listener';
/** Envoy's name of the route table type. */
export const ROUTE_CONFIGURATION_TYPE = 'RouteConfiguration';

/** What one proxy rejected of its current configuration, for one xDS type. */
export interface RejectedConfig {
  /** Envoy's resource type name: `Listener`, `RouteConfiguration`, `Cluster`, ... */
  readonly type: string;
  /** Names of the resources in the rejected response, ascending; may be empty. */
  readonly resources: readonly string[];
  /** Envoy's `error_detail` message. */
  readonly detail: string;
}

/** Decides whether a proxy's rejection concerns the resource whose status is computed. */
export type Attribution = (proxy: string, rejection: RejectedConfig) => boolean;

/** The rejections found over a set of proxies. */
export interface Rejections {
  /** The proxies that rejected something attributed to the resource, in the order given. */
  readonly proxies: readonly string[];
  /** One description per distinct rejection, in proxy order. */
  readonly messages: readonly string[];
}

/** Collects the attributed rejections of `proxies` (ascending names). */
export function collectRejections(
  proxies: readonly string[],
  rejectedOf: (proxy: string) => readonly RejectedConfig[],
  attributed: Attribution,
): Rejections {
  const rejecting: string[] = [];
  const messages: string[] = [];
  for (const proxy of proxies) {
    const own = rejectedOf(proxy).filter((r) => attributed(proxy, r));
    if (own.length > 0) rejecting.push(proxy);
    for (const r of own) {
      const message = describeRejection(r);
      if (!messages.includes(message)) messages.push(message);
    }
  }
  return { proxies: rejecting, messages };
}

/** True when a rejection concerns a route bound on `listeners` (Envoy listener names). */
export function rejectionOfRoute(rejection: RejectedConfig, listeners: readonly string[]): boolean {
  if (rejection.resources.length === 0) return true;
  if (rejection.type === LISTENER_TYPE) return rejection.resources.some((name) => listeners.includes(name));
  if (rejection.type === ROUTE_CONFIGURATION_TYPE) {
    return rejection.resources.some((name) => listeners.some((listener) => name.startsWith(`${listener}:`)));
  }
  return true;
}

/** `RouteConfiguration "edge:HTTP:8080:*": <Envoy's detail>` (the type alone when no names). */
export function describeRejection(rejection: RejectedConfig): string {
  const names = rejection.resources.map((name) => `"${name}"`).join(', ');
  return `${names === '' ? rejection.type : `${rejection.type} ${names}`}: ${rejection.detail}`;
}

/** `k/n proxies rejected the configuration: <descriptions>`. */
export function rejectedMessage(rejections: Rejections, n: number): string {
  return `${rejections.proxies.length}/${n} proxies rejected the configuration: ${joinListed(rejections.messages)}`;
}
