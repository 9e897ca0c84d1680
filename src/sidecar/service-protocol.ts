// Protocols of inbounds and services (docs/mesh-mtls.md §4.2, §4.5): a `kuma.io/protocol` value read case-
// insensitively, anything else TCP; a service's protocol is its endpoints' protocols reduced
// pairwise to the first protocol both stacks share (docs/gateway.md §2.16), TCP when any is missing.
import type { SidecarProtocol } from '../ir/sidecar.js';

/** The protocols each protocol can also be carried as, most specific first. */
const STACKS: Readonly<Record<string, readonly SidecarProtocol[]>> = {
  grpc: ['grpc', 'http2', 'tcp'],
  http2: ['http2', 'tcp'],
  http: ['http', 'tcp'],
  kafka: ['tcp'],
  tcp: ['tcp'],
};

/** An inbound's protocol from its tag value (absent or unknown: TCP). */
export function protocolOf(value: string | undefined): SidecarProtocol {
  const p = value?.toLowerCase();
  return p === 'http' || p === 'http2' || p === 'grpc' ? p : 'tcp';
}

/** The common protocol of a service's endpoints' tag values; TCP when any is absent or none exist. */
export function serviceProtocol(values: readonly (string | undefined)[]): SidecarProtocol {
  if (values.length === 0) return 'tcp';
  let stack: readonly SidecarProtocol[] | undefined;
  for (const value of values) {
    const own = value === undefined ? undefined : STACKS[value.toLowerCase()];
    if (!own) return 'tcp';
    stack = stack === undefined ? own : stack.filter((p) => own.includes(p));
  }
  return stack?.[0] ?? 'tcp';
}

/** HTTP-based protocols get an HTTP connection manager. */
export function isHttpBased(protocol: SidecarProtocol): boolean {
  return protocol !== 'tcp';
}
