// Builders of realistic `admission.k8s.io/v1` AdmissionReview requests and the objects inside
// them, shaped as the API server sends them (server-set metadata, managedFields, status on
// updates, requestKind/requestResource, userInfo, options). Test-only.

/** One kind as the API server names it in a review. */
export interface ReviewedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
}

/** The kinds the tests send. */
export const KINDS = {
  mesh: { group: 'kuma.io', version: 'v1alpha1', kind: 'Mesh', resource: 'meshes' },
  dataplane: { group: 'kuma.io', version: 'v1alpha1', kind: 'Dataplane', resource: 'dataplanes' },
  meshGateway: { group: 'kuma.io', version: 'v1alpha1', kind: 'MeshGateway', resource: 'meshgateways' },
  meshGatewayRoute: { group: 'kuma.io', version: 'v1alpha1', kind: 'MeshGatewayRoute', resource: 'meshgatewayroutes' },
  meshGatewayInstance: { group: 'kuma.io', version: 'v1alpha1', kind: 'MeshGatewayInstance', resource: 'meshgatewayinstances' },
  secret: { group: '', version: 'v1', kind: 'Secret', resource: 'secrets' },
  configMap: { group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps' },
} as const satisfies Record<string, ReviewedKind>;

type Obj = Record<string, unknown>;

/** Options of a review. */
export interface ReviewOptions {
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly uid?: string;
  readonly namespace?: string;
  readonly subResource?: string;
  /** The object before an UPDATE (default: the object itself). */
  readonly oldObject?: Obj;
  /** `userInfo.username` (default: a cluster admin). */
  readonly username?: string;
}

/** An AdmissionReview for `object` of `kind`; on DELETE the object moves to oldObject. */
export function admissionReview(kind: ReviewedKind, object: Obj, options: ReviewOptions = {}): Obj {
  const operation = options.operation ?? 'CREATE';
  const metadata = (object['metadata'] ?? {}) as Obj;
  const gvk = { group: kind.group, version: kind.version, kind: kind.kind };
  const gvr = { group: kind.group, version: kind.version, resource: kind.resource };
  const optionsKind = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: 'CreateOptions' }[operation];
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      ...(options.subResource ? { subResource: options.subResource } : {}),
      name: metadata['name'],
      ...(options.namespace ? { namespace: options.namespace } : {}),
      operation,
      userInfo: { username: options.username ?? 'kubernetes-admin', uid: 'aws-iam-authenticator:123', groups: ['system:masters', 'system:authenticated'] },
      object: operation === 'DELETE' ? null : object,
      oldObject: operation === 'CREATE' ? null : (options.oldObject ?? object),
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: optionsKind },
    },
  };
}

/** Metadata as the API server fills it in before validating admission. */
export function serverMetadata(name: string, extra: Obj = {}): Obj {
  return {
    name,
    uid: 'b7a0b8f4-2e0d-4c8e-9d0f-1c2a3b4c5d6e',
    resourceVersion: '48213',
    generation: 1,
    creationTimestamp: '2025-03-01T10:00:00Z',
    managedFields: [
      { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'kuma.io/v1alpha1', time: '2025-03-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } },
    ],
    ...extra,
  };
}

/** A valid MeshGateway as kubectl would create it (docs/gateway.md §1.1). */
export function meshGateway(spec: Obj = VALID_GATEWAY_SPEC, extra: Obj = {}): Obj {
  return { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGateway', mesh: 'default', metadata: serverMetadata('edge', { labels: { team: 'platform' } }), spec, ...extra };
}

/** Spec of a valid gateway with an HTTP and an HTTPS listener. */
export const VALID_GATEWAY_SPEC: Obj = {
  selectors: [{ match: { 'kuma.io/service': 'edge-gateway_ingress_svc' } }],
  conf: {
    listeners: [
      { port: 80, protocol: 'HTTP', tags: { port: 'http-80' } },
      { port: 443, protocol: 'HTTPS', hostname: '*.example.com', tls: { mode: 'TERMINATE', certificates: [{ secret: 'example-com-tls' }] } },
    ],
  },
};

/** A MeshGatewayRoute with the given spec. */
export function meshGatewayRoute(spec: Obj): Obj {
  return { apiVersion: 'kuma.io/v1alpha1', kind: 'MeshGatewayRoute', mesh: 'default', metadata: serverMetadata('shop'), spec };
}

/** A Dataplane in namespace `ingress` with the given spec. */
export function dataplane(spec: Obj): Obj {
  return { apiVersion: 'kuma.io/v1alpha1', kind: 'Dataplane', mesh: 'default', metadata: serverMetadata('edge-gateway-7d9f', { namespace: 'ingress' }), spec };
}

/** A MeshGatewayInstance in namespace `ingress` with the given spec. */
export function meshGatewayInstance(spec: Obj): Obj {
  return {
    apiVersion: 'kuma.io/v1alpha1',
    kind: 'MeshGatewayInstance',
    metadata: serverMetadata('edge-gateway', { namespace: 'ingress', labels: { 'kuma.io/mesh': 'default' } }),
    spec,
  };
}

/** A core/v1 Secret in `kuma-system` of the given type with `data.value`. */
export function secret(type: string, value: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type,
    metadata: serverMetadata('example-com-tls', { namespace: 'kuma-system', labels: { 'kuma.io/mesh': 'default' } }),
    data: { value: Buffer.from(value).toString('base64') },
  };
}
