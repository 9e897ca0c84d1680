// Semantic checks of a decoded MeshGateway, with the exact fields and messages of docs/gateway.md §4.2,
// plus the certificate checks knowable at write time (listener-certificates-validate.ts).

import { fieldPath, indexPath } from './field-path.js';
import { validateListenerHostname } from './hostname.js';
import { validateInlineCertificates } from './listener-certificates-validate.js';
import type { MeshGatewayListener, MeshGatewaySpec } from './mesh-gateway.js';
import { PORT_RANGE_MESSAGE, isValidPort } from './port-range.js';
import { validateGatewayTags, validateSelectors } from './tag-validation.js';
import type { Violation } from './violation.js';

/** Every violation of a decoded MeshGateway spec, in document order. */
export function validateMeshGateway(spec: MeshGatewaySpec): Violation[] {
  const listeners = spec.conf?.listeners ?? [];
  const crossMesh = listeners.some((l) => l.crossMesh);
  return [
    ...validateSelectors(spec.selectors, 'selectors'),
    ...(crossMesh ? crossMeshSelectorLimit(spec.selectors.length) : []),
    ...validateGatewayTags(spec.tags, 'tags'),
    ...validateConf(spec),
  ];
}

// A cross-mesh gateway is addressed by one service name from other meshes, so one selector only.
function crossMeshSelectorLimit(count: number): Violation[] {
  const out: Violation[] = [];
  for (let i = 1; i < count; i++) out.push({ field: indexPath('selectors', i), message: 'there can be at most one selector' });
  return out;
}

function validateConf(spec: MeshGatewaySpec): Violation[] {
  if (spec.conf === undefined) return [{ field: 'conf', message: 'cannot be empty' }];
  const listeners = spec.conf.listeners;
  if (listeners.length === 0) return [{ field: 'conf.listeners', message: 'cannot be empty' }];
  return [
    ...listeners.flatMap((l, i) => validateListener(l, indexPath('conf.listeners', i))),
    ...validatePortSharing(listeners),
  ];
}

function validateListener(l: MeshGatewayListener, path: string): Violation[] {
  const out = validateListenerHostname(l.hostname, fieldPath(path, 'hostname'));
  if (!isValidPort(l.port)) out.push({ field: fieldPath(path, 'port'), message: PORT_RANGE_MESSAGE });
  if (l.protocol === 'NONE') out.push({ field: fieldPath(path, 'protocol'), message: 'cannot be empty' });
  else if (l.crossMesh && l.protocol !== 'HTTP') {
    out.push({ field: fieldPath(path, 'protocol'), message: 'protocol is not supported with crossMesh' });
  }
  out.push(...validateListenerTls(l, fieldPath(path, 'tls')));
  out.push(...validateInlineCertificates(l, path));
  out.push(...validateGatewayTags(l.tags, fieldPath(path, 'tags')));
  return out;
}

// A cross-mesh listener's TLS is the mesh mTLS, so user TLS must be absent; a cross-mesh
// listener whose protocol is already rejected reports only that (docs/gateway.md §4.2 note, D8).
function validateListenerTls(l: MeshGatewayListener, path: string): Violation[] {
  const tls = l.tls;
  if (l.crossMesh) {
    if (l.protocol !== 'HTTP') return [];
    const configured = tls !== undefined && (tls.mode !== 'NONE' || tls.certificates.length > 0);
    return configured ? [{ field: path, message: 'must be empty with crossMesh' }] : [];
  }
  if (tls === undefined) return l.protocol === 'HTTPS' ? [{ field: path, message: 'cannot be empty' }] : [];
  switch (tls.mode) {
    case 'NONE':
      return [{ field: fieldPath(path, 'mode'), message: 'cannot be empty' }];
    case 'PASSTHROUGH':
      return l.protocol === 'HTTPS' ? [{ field: fieldPath(path, 'mode'), message: 'mode is not supported on HTTPS listeners' }] : [];
    case 'TERMINATE': {
      const at = fieldPath(path, 'certificates');
      if (tls.certificates.length === 0) return [{ field: at, message: 'cannot be empty in TLS termination mode' }];
      if (tls.certificates.length > 2) return [{ field: at, message: 'cannot have more than 2 certificates' }];
      return [];
    }
  }
}

// Listeners sharing a port become one Envoy listener (docs/gateway.md §2.4), so they must agree on protocol,
// differ in hostname and agree on the connection limit. Reported per listener, in list order.
function validatePortSharing(listeners: readonly MeshGatewayListener[]): Violation[] {
  const byPort = new Map<number, MeshGatewayListener[]>();
  for (const l of listeners) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
  return listeners.flatMap((l, i) => {
    const peers = byPort.get(l.port) ?? [l];
    const path = indexPath('conf.listeners', i);
    const out: Violation[] = [];
    if (new Set(peers.map((p) => p.protocol)).size > 1) {
      out.push({ field: path, message: 'protocol conflicts with other listeners on this port' });
    }
    const host = effectiveHostname(l);
    if (peers.filter((p) => effectiveHostname(p) === host).length > 1) {
      out.push({ field: path, message: 'multiple listeners for hostname on this port' });
    }
    const limits = new Set(peers.map(connectionLimit).filter((n) => n > 0));
    if (connectionLimit(l) > 0 && limits.size > 1) {
      out.push({ field: fieldPath(path, 'resources.connectionLimit'), message: 'conflicting values for this port' });
    }
    return out;
  });
}

function effectiveHostname(l: MeshGatewayListener): string {
  return l.hostname === '' ? '*' : l.hostname;
}

function connectionLimit(l: MeshGatewayListener): number {
  return l.resources?.connectionLimit ?? 0;
}
