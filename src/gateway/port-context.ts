// What translating one port needs from the whole translation, and the listener screening every
// protocol shares.
import type { Tags } from '../api/tags.js';
import type { AccessLog } from '../ir/policies.js';
import type { CollapsedPort, ListenerView } from './collapse-listeners.js';
import type { CertificateRegistry, FailGeneration } from './group-tls.js';
import type { HostContext } from './virtual-hosts.js';

/** What a port translation needs besides the port. */
export interface PortContext extends HostContext {
  /** Certificates of HTTPS and TLS groups, shared by all ports of the gateway. */
  readonly certificates: CertificateRegistry;
  /** Report a problem with the MeshGateway that leaves the rest of it usable. */
  gatewayProblem(message: string): void;
  /** Report a generation-time error (docs/gateway.md §4.6): the translation then fails as a whole. */
  readonly fail: FailGeneration;
  /** The access log of a chain whose first listener has merged tags `tags` (TrafficLog, docs/gateway.md §2.16). */
  accessLog(tags: Tags, protocol: 'http' | 'tcp'): AccessLog | undefined;
}

/**
 * The port's listeners with one per effective hostname. Validation forbids two listeners of a
 * port with one effective hostname; should such a gateway reach us anyway, the later listener is
 * dropped so that groups, route tables and SNI matches stay unique.
 */
export function uniqueHostnames(port: CollapsedPort, ctx: PortContext): ListenerView[] {
  const seen = new Set<string>();
  const views: ListenerView[] = [];
  for (const view of port.listeners) {
    if (seen.has(view.hostname)) {
      ctx.gatewayProblem(`conf.listeners[${view.index}]: multiple listeners for hostname on this port; listener skipped`);
      continue;
    }
    seen.add(view.hostname);
    views.push(view);
  }
  return views;
}
