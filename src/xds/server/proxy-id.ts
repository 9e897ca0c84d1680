// Proxy identity from the xDS node id (xds-server.md §3, §17): `<mesh>.<name>`, split at the
// first dot (a name may contain dots, a mesh may not).

/** Mesh and name of a proxy. */
export interface ProxyId {
  readonly mesh: string;
  readonly name: string;
}

/** Parses `<mesh>.<name>`; undefined when either part is empty or there is no dot. */
export function parseProxyId(nodeId: string): ProxyId | undefined {
  const dot = nodeId.indexOf('.');
  if (dot <= 0 || dot === nodeId.length - 1) return undefined;
  return { mesh: nodeId.slice(0, dot), name: nodeId.slice(dot + 1) };
}

/** The node id of a proxy: `<mesh>.<name>`. */
export function proxyNodeId(mesh: string, name: string): string {
  return `${mesh}.${name}`;
}
