// The objects of `portico install control-plane`: everything the control plane needs to run in a
// cluster, in the order `kubectl apply -f -` should create them (the webhook configuration last, so
// the API server starts calling the admission server only once its Deployment exists). Pure: the
// webhook certificates come in as data, so the same input always gives the same bytes.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { CRD_KINDS } from '../../api/crd-kinds.js';
import { DATAPLANE } from '../../api/kinds/dataplane.js';
import { KUMA_GROUP } from '../../api/kinds/descriptor.js';
import { DEFAULT_POLICY_KINDS } from '../../api/mesh-default-policies.js';
import { RESOURCE_KINDS, type ResourceKindName } from '../../api/resource-kinds.js';
import type { StringMap } from './kube-objects.js';
import { desiredWebhookConfiguration } from './webhook-configuration.js';

/** Name of the ServiceAccount, RBAC objects, Deployment and Service of the control plane. */
export const CONTROL_PLANE_NAME = 'portico-control-plane';
/** Namespace the control plane is installed in unless told otherwise (Kuma's is kuma-system). */
export const DEFAULT_CONTROL_PLANE_NAMESPACE = 'portico-system';
/** Image of the control plane (and, through `--gateway-image`, of gateway pods) by default. */
export const DEFAULT_CONTROL_PLANE_IMAGE = 'portico:0.1.0';
/** Secret holding the admission server's serving certificate and key. */
export const WEBHOOK_TLS_SECRET = 'portico-webhook-tls';
/** Where the webhook Secret is mounted in the control plane container. */
export const WEBHOOK_TLS_DIR = '/var/run/secrets/portico/webhook';
/** Container ports: dataplanes (ADS + bootstrap), REST API, admission webhook (HTTPS). */
export const CONTROL_PLANE_PORTS = { xds: 5678, diagnostics: 5680, api: 5681, webhook: 5443 } as const;
/** Service port of the admission webhook (the API server calls HTTPS on 443 by default). */
export const WEBHOOK_SERVICE_PORT = 443;
/** Pod template annotation: hash of the serving certificate, so a new certificate rolls the pods. */
export const WEBHOOK_CERT_CHECKSUM_ANNOTATION = 'portico.io/webhook-cert-sha256';

/** PEM texts of the webhook CA and of the serving certificate and key it signed. */
export interface WebhookCertificateInput {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * The multi-zone role of an installed control plane (docs/multizone.md): a global, or a zone
 * federated with a global. Absent: a zone without global, as before multi-zone.
 */
export type InstallMultizone = { readonly mode: 'global' } | { readonly mode: 'zone'; readonly zone: string; readonly globalAddress: string };

/** Secret the user creates for a federated zone: `token` (the zone token) and `ca.crt` (the global's CA). */
export const ZONE_TOKEN_SECRET = 'portico-zone-token';
/** Where the zone token Secret is mounted. */
export const ZONE_TOKEN_DIR = '/var/run/secrets/portico/zone';
/** Port of the sync service on a global. */
export const KDS_PORT = 5685;

/** What `portico install control-plane` renders for. */
export interface ControlPlaneManifestsInput {
  readonly namespace?: string;
  readonly image: string;
  readonly replicas?: number;
  readonly webhookCert: WebhookCertificateInput;
  readonly multizone?: InstallMultizone;
}

/** One Kubernetes object of the install manifests, ready to serialise. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: StringMap };
  readonly [field: string]: unknown;
}

/** An RBAC PolicyRule. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ['get', 'list', 'watch'];

/** The kuma.io kinds the control plane writes (the pod controller's Dataplanes); every other one it only reads. */
const WRITTEN_KINDS: ReadonlySet<string> = new Set([DATAPLANE.kind]);

/**
 * Cluster-wide permissions: exactly the requests the control plane makes. It watches every kuma.io
 * kind (CRD_KINDS), pods, namespaces, Services and Deployments in every namespace; writes
 * Dataplanes (pod controller), Services and Deployments (MeshGatewayInstance controller,
 * service-upstream annotations), the status subresource of every kind that has one, new Meshes'
 * default policies and their defaults label, and Events
 * (POST, then PUT to bump their count); and reviews gateway pods' service-account tokens. Nothing
 * is deleted except Dataplanes.
 */
export const CLUSTER_RULES: readonly PolicyRule[] = [
  { apiGroups: [KUMA_GROUP], resources: CRD_KINDS.filter((k) => !WRITTEN_KINDS.has(k.kind)).map((k) => k.plural).sort(), verbs: READ },
  { apiGroups: [KUMA_GROUP], resources: CRD_KINDS.filter((k) => WRITTEN_KINDS.has(k.kind)).map((k) => k.plural).sort(), verbs: [...READ, 'create', 'update', 'patch', 'delete'] },
  // Kubernetes-created Meshes get their default policies from the control plane, which then
  // labels the Mesh so that a deleted default stays deleted (docs/mesh-mtls.md §5.5, docs/policies.md).
  { apiGroups: [KUMA_GROUP], resources: ['meshes'], verbs: ['update'] },
  { apiGroups: [KUMA_GROUP], resources: CRD_KINDS.filter((k) => DEFAULT_POLICY_KINDS.includes(k.kind as ResourceKindName)).map((k) => k.plural).sort(), verbs: ['create'] },
  {
    apiGroups: [KUMA_GROUP],
    resources: CRD_KINDS.filter((k) => k.status !== undefined).map((k) => `${k.plural}/status`).sort(),
    verbs: ['get', 'update', 'patch'],
  },
  { apiGroups: [''], resources: ['namespaces', 'pods'], verbs: READ },
  { apiGroups: [''], resources: ['services'], verbs: [...READ, 'create', 'update', 'patch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'update', 'patch'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: [...READ, 'create', 'update', 'patch'] },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
];

const WRITE = [...READ, 'create', 'update', 'patch', 'delete'];

/**
 * Cluster-wide permissions of a role: those of CLUSTER_RULES, plus writing what sync stores. A
 * federated zone writes the copies global sends (Meshes, policies, gateways and routes); a global
 * writes the zones' copies (Dataplanes, zone MeshGateways) and the Zone and ZoneInsight records.
 */
export function clusterRules(multizone: InstallMultizone | undefined): readonly PolicyRule[] {
  if (!multizone) return CLUSTER_RULES;
  const synced = RESOURCE_KINDS.filter((d) => d.kubernetes.form === 'crd' && !WRITTEN_KINDS.has(d.kind))
    .filter((d) => (multizone.mode === 'zone' ? d.multizone?.globalToZones || d.multizone?.syncedAcrossZones : d.multizone?.zoneToGlobal || d.kind === 'Zone' || d.kind === 'ZoneInsight'))
    .map((d) => CRD_KINDS.find((k) => k.kind === d.kind)?.plural)
    .filter((p): p is string => p !== undefined)
    .sort();
  return synced.length === 0 ? CLUSTER_RULES : [...CLUSTER_RULES, { apiGroups: [KUMA_GROUP], resources: synced, verbs: WRITE }];
}

/**
 * Permissions in the control plane's own namespace of a role: a federated zone also deletes the
 * mesh Secrets and GlobalSecrets global stops sending.
 */
export function namespaceRules(multizone: InstallMultizone | undefined): readonly PolicyRule[] {
  if (multizone?.mode !== 'zone') return NAMESPACE_RULES;
  return NAMESPACE_RULES.map((r) => (r.resources.includes('secrets') ? { ...r, verbs: [...r.verbs, 'delete'] } : r));
}

/**
 * Permissions in the control plane's own namespace only: mesh Secrets are read from there and
 * nowhere else, so a namespaced Role keeps every other namespace's Secrets out of reach. The
 * control plane creates the builtin mesh CAs' Secrets there (create, and update to replace a half
 * pair; never delete). The replicas elect the one that runs the controllers with a Lease there
 * (read, create, renew), and share their proxies' delivery through one ConfigMap each (written,
 * listed, and deleted when a replica stops or is long gone: docs/postgres-store.md, "Delivery
 * state shared by the replicas").
 */
export const NAMESPACE_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: [...READ, 'create', 'update'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'update', 'delete'] },
];

/** Every object of the control plane install, in apply order. */
export function desiredControlPlaneManifests(input: ControlPlaneManifestsInput): Manifest[] {
  const namespace = input.namespace ?? DEFAULT_CONTROL_PLANE_NAMESPACE;
  const labels = commonLabels();
  const meta = { name: CONTROL_PLANE_NAME, namespace, labels };
  const subjects = [{ kind: 'ServiceAccount', name: CONTROL_PLANE_NAME, namespace }];
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: CONTROL_PLANE_NAME, labels }, rules: clusterRules(input.multizone) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: CONTROL_PLANE_NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROL_PLANE_NAME },
      subjects,
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta, rules: namespaceRules(input.multizone) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: CONTROL_PLANE_NAME },
      subjects,
    },
    webhookSecret(namespace, input.webhookCert),
    desiredControlPlaneService(namespace, input.multizone),
    desiredControlPlaneDeployment(namespace, input),
    // Spread: an interface has no index signature, its copy's anonymous type does.
    { ...desiredWebhookConfiguration({ namespace, serviceName: CONTROL_PLANE_NAME, caBundle: input.webhookCert.caPem, port: WEBHOOK_SERVICE_PORT, checkDeletes: input.multizone !== undefined }) },
  ];
}

/** The manifests as one multi-document YAML stream for `kubectl apply -f -`. */
export function renderControlPlaneManifest(manifests: readonly Manifest[]): string {
  // YAML 1.1, as kubectl reads it (strings like `on` or `y` get quoted); no folding, no anchors.
  const toYaml = (value: unknown): string => stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
  return manifests.map((m) => `---\n${toYaml(m)}`).join('');
}

/**
 * Labels on every object, which also select the control plane pods. Gateway pods carry
 * `app: <instance name>`; selecting on these instead keeps a MeshGatewayInstance that happens to be
 * named portico-control-plane out of the control plane's Service.
 */
function commonLabels(): StringMap {
  return { 'app.kubernetes.io/name': 'portico', 'app.kubernetes.io/component': 'control-plane' };
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function webhookSecret(namespace: string, cert: WebhookCertificateInput): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: WEBHOOK_TLS_SECRET, namespace, labels: commonLabels() },
    type: 'kubernetes.io/tls',
    data: { 'ca.crt': base64(cert.caPem), 'tls.crt': base64(cert.certPem), 'tls.key': base64(cert.keyPem) },
  };
}

/** The ClusterIP Service gateway pods (5678), API clients (5681) and the API server (443) call. */
export function desiredControlPlaneService(namespace: string, multizone?: InstallMultizone): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: CONTROL_PLANE_NAME, namespace, labels: commonLabels() },
    spec: {
      type: 'ClusterIP',
      selector: commonLabels(),
      ports: [
        { name: 'xds', protocol: 'TCP', port: CONTROL_PLANE_PORTS.xds, targetPort: CONTROL_PLANE_PORTS.xds },
        { name: 'api', protocol: 'TCP', port: CONTROL_PLANE_PORTS.api, targetPort: CONTROL_PLANE_PORTS.api },
        { name: 'webhook', protocol: 'TCP', port: WEBHOOK_SERVICE_PORT, targetPort: CONTROL_PLANE_PORTS.webhook },
        // Zones dial a global's sync port.
        ...(multizone?.mode === 'global' ? [{ name: 'kds', protocol: 'TCP', port: KDS_PORT, targetPort: KDS_PORT }] : []),
      ],
    },
  };
}

/**
 * The `portico cp run` arguments of the control plane container. The webhook's certificate (for
 * the Service's DNS names) also serves the dataplane port, and its CA goes to gateway pods: every
 * replica then presents a certificate from one CA (a per-pod generated CA would not be, and the
 * root filesystem is read-only anyway).
 */
export function controlPlaneArgs(namespace: string, image: string, multizone?: InstallMultizone): string[] {
  return [
    ...multizoneArgs(multizone),
    'cp', 'run',
    '--environment', 'kubernetes',
    '--api-host', '0.0.0.0',
    '--xds-host', '0.0.0.0',
    '--webhook-port', String(CONTROL_PLANE_PORTS.webhook),
    '--webhook-tls-cert-file', `${WEBHOOK_TLS_DIR}/tls.crt`,
    '--webhook-tls-key-file', `${WEBHOOK_TLS_DIR}/tls.key`,
    '--system-namespace', namespace,
    '--tls-cert-file', `${WEBHOOK_TLS_DIR}/tls.crt`,
    '--tls-key-file', `${WEBHOOK_TLS_DIR}/tls.key`,
    '--gateway-image', image,
    '--gateway-cp-url', `https://${CONTROL_PLANE_NAME}.${namespace}.svc:${CONTROL_PLANE_PORTS.xds}`,
    '--gateway-ca-file', `${WEBHOOK_TLS_DIR}/ca.crt`,
  ];
}

/** The role's `cp run` flags: a global's sync port, a federated zone's global and credentials. */
function multizoneArgs(multizone: InstallMultizone | undefined): string[] {
  if (!multizone) return [];
  if (multizone.mode === 'global') return ['--mode', 'global', '--kds-host', '0.0.0.0'];
  return [
    '--mode', 'zone', '--zone', multizone.zone, '--global-address', multizone.globalAddress,
    '--zone-token-file', `${ZONE_TOKEN_DIR}/token`, '--kds-root-ca-file', `${ZONE_TOKEN_DIR}/ca.crt`,
  ];
}

/** The control plane Deployment: one unprivileged container with a read-only root filesystem. */
export function desiredControlPlaneDeployment(namespace: string, input: ControlPlaneManifestsInput): Manifest {
  const certChecksum = createHash('sha256').update(input.webhookCert.certPem).digest('hex');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: CONTROL_PLANE_NAME, namespace, labels: commonLabels() },
    spec: {
      replicas: input.replicas ?? 1,
      selector: { matchLabels: commonLabels() },
      template: {
        metadata: {
          labels: commonLabels(),
          // Prometheus' conventional pod annotations point at the diagnostics port (docs/operations.md).
          annotations: {
            [WEBHOOK_CERT_CHECKSUM_ANNOTATION]: certChecksum,
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(CONTROL_PLANE_PORTS.diagnostics),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: CONTROL_PLANE_NAME,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 5678,
            runAsGroup: 5678,
            // The Secret's files belong to this group, so mode 0440 below is readable by the process.
            fsGroup: 5678,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [controlPlaneContainer(namespace, input.image, input.multizone)],
          volumes: [
            { name: 'webhook-tls', secret: { secretName: WEBHOOK_TLS_SECRET, defaultMode: 0o440 } },
            ...(input.multizone?.mode === 'zone' ? [{ name: 'zone-token', secret: { secretName: ZONE_TOKEN_SECRET, defaultMode: 0o440 } }] : []),
            // The root filesystem is read-only; Node and its libraries may still want a temp dir.
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}

function controlPlaneContainer(namespace: string, image: string, multizone: InstallMultizone | undefined): Record<string, unknown> {
  return {
    name: 'control-plane',
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['portico'],
    // The pod name identifies this replica in the leader Lease.
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    args: controlPlaneArgs(namespace, image, multizone),
    ports: [
      { name: 'xds', containerPort: CONTROL_PLANE_PORTS.xds, protocol: 'TCP' },
      { name: 'api', containerPort: CONTROL_PLANE_PORTS.api, protocol: 'TCP' },
      { name: 'diagnostics', containerPort: CONTROL_PLANE_PORTS.diagnostics, protocol: 'TCP' },
      { name: 'webhook', containerPort: CONTROL_PLANE_PORTS.webhook, protocol: 'TCP' },
      ...(multizone?.mode === 'global' ? [{ name: 'kds', containerPort: KDS_PORT, protocol: 'TCP' }] : []),
    ],
    // /ready answers 200 once the store's watches have listed everything (503 before and while
    // stopping), so no traffic or admission call reaches a control plane with a partial view.
    readinessProbe: {
      httpGet: { path: '/ready', port: CONTROL_PLANE_PORTS.api },
      initialDelaySeconds: 3,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    // Liveness only asks whether the process still accepts connections: readiness can be false
    // for a long time during an API server outage, and restarting would not help then. The REST
    // API port, because it listens while the first sync waits for the API server (xDS does not).
    livenessProbe: {
      tcpSocket: { port: CONTROL_PLANE_PORTS.api },
      initialDelaySeconds: 15,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 6,
    },
    resources: {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1Gi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'webhook-tls', mountPath: WEBHOOK_TLS_DIR, readOnly: true },
      ...(multizone?.mode === 'zone' ? [{ name: 'zone-token', mountPath: ZONE_TOKEN_DIR, readOnly: true }] : []),
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}
