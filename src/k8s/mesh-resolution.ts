// Which mesh a Kubernetes object belongs to (docs/gateway.md §1.4), shared by every controller that
// turns an object into a mesh-scoped resource. Pure: the caller reads the object and its namespace.

/** Label (and deprecated annotation) that names an object's mesh. */
export const MESH_LABEL = 'kuma.io/mesh';
/** The mesh of objects that name none. */
export const DEFAULT_MESH = 'default';

/** The metadata fields mesh resolution reads; Kubernetes client objects fit it. */
export interface MeshMetadataSource {
  readonly metadata?: {
    readonly labels?: Readonly<Record<string, string>> | undefined;
    readonly annotations?: Readonly<Record<string, string>> | undefined;
  } | undefined;
}

/** Where a resolved mesh came from; `annotation` sources are deprecated in Kuma and worth a log line. */
export type MeshSource = 'object-label' | 'object-annotation' | 'namespace-label' | 'namespace-annotation' | 'default';

/** A resolved mesh and where it was found. */
export interface ResolvedMesh {
  readonly mesh: string;
  readonly source: MeshSource;
}

/**
 * The first non-empty of: the object's `kuma.io/mesh` label, its annotation, the same label and then
 * annotation on its namespace, and finally `default`. Empty values are skipped as Kuma does, so
 * `kuma.io/mesh: ""` never yields a mesh named "".
 */
export function resolveMeshWithSource(object: MeshMetadataSource, namespace: MeshMetadataSource | undefined): ResolvedMesh {
  const candidates: readonly [string | undefined, MeshSource][] = [
    [object.metadata?.labels?.[MESH_LABEL], 'object-label'],
    [object.metadata?.annotations?.[MESH_LABEL], 'object-annotation'],
    [namespace?.metadata?.labels?.[MESH_LABEL], 'namespace-label'],
    [namespace?.metadata?.annotations?.[MESH_LABEL], 'namespace-annotation'],
  ];
  for (const [mesh, source] of candidates) {
    if (mesh) return { mesh, source };
  }
  return { mesh: DEFAULT_MESH, source: 'default' };
}

/** The mesh of `object` in `namespace` (docs/gateway.md §1.4), without its source. */
export function resolveMesh(object: MeshMetadataSource, namespace: MeshMetadataSource | undefined): string {
  return resolveMeshWithSource(object, namespace).mesh;
}
