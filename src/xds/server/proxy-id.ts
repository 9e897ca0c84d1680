// Proxy identity from the xDS node id (docs/xds-server.md §3, §17): `<mesh>.<name>`, split at the
// first dot (a name may contain dots, a mesh may not). A zone ingress belongs to no mesh: its
// node id is `.<name>`, an empty mesh (Kuma's form; docs/multizone.md "Zone ingresses"), and its
// ProxyId has `mesh: ''`. Nothing else may have an empty mesh, so that is what marks one.

/** Mesh and name of a proxy; `mesh` is empty for a zone ingress. */
export interface ProxyId {
  readonly mesh: string;
  readonly name: string;
}

/**
 * Parses `<mesh>.<name>`, or `.<name>` for a zone ingress; undefined when there is no dot or the
 * name is empty.
 */
export function parseProxyId(nodeId: string): ProxyId | undefined {
  const dot = nodeId.indexOf('.');
  if (dot < 0 || dot === nodeId.length - 1) return undefined;
  return { mesh: nodeId.slice(0, dot), name: nodeId.slice(dot + 1) };
}

/** The node id of a proxy: `<mesh>.<name>`; `.<name>` for a zone ingress (mesh ''). */
export function proxyNodeId(mesh: string, name: string): string {
  return `${mesh}.${name}`;
}

/** Whether a proxy is a zone ingress: it has no mesh. */
export function isZoneIngressProxy(proxy: ProxyId): boolean {
  return proxy.mesh === '';
}
