// Golden test of the control plane install manifests: testdata/control-plane-manifests/<case>.in.yaml
// is a ControlPlaneManifestsInput, the output the list of objects. Inputs are deep-frozen and
// rendered twice (identical bytes); beside the golden comparison, the cross-object references that
// a typo would silently break (selectors, ports, mounts, RBAC subjects, caBundle) are asserted.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { expectGolden, goldenCases } from '../../../test/support/golden.js';
import {
  CLUSTER_RULES,
  clusterRules,
  CONTROL_PLANE_NAME,
  desiredControlPlaneManifests,
  NAMESPACE_RULES,
  namespaceRules,
  renderControlPlaneManifest,
  ZONE_TOKEN_DIR,
  ZONE_TOKEN_SECRET,
  WEBHOOK_TLS_SECRET,
  type ControlPlaneManifestsInput,
  type Manifest,
} from './control-plane-manifests.js';

const DIR = path.join(import.meta.dirname, 'testdata', 'control-plane-manifests');
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ValidatingWebhookConfiguration']);

/** Loosely typed navigation through the rendered objects. */
type Obj = Record<string, any>;

function find(manifests: readonly Manifest[], kind: string): Obj {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as Obj;
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}

function expectInvariants(input: ControlPlaneManifestsInput, manifests: readonly Manifest[]): void {
  const namespace = input.namespace ?? 'portico-system';
  expect(manifests[0]?.kind).toBe('Namespace');
  expect(manifests.at(-1)?.kind).toBe('ValidatingWebhookConfiguration');
  for (const m of manifests) {
    if (CLUSTER_SCOPED.has(m.kind)) expect(m.metadata.namespace, m.kind).toBeUndefined();
    else expect(m.metadata.namespace, m.kind).toBe(namespace);
  }
  const deployment = find(manifests, 'Deployment');
  const service = find(manifests, 'Service');
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];
  expect(pod.spec.containers).toHaveLength(1);
  expect(pod.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  expect(pod.metadata.labels).toMatchObject(service.spec.selector);
  expect(deployment.spec.replicas).toBe(input.replicas ?? 1);
  expect(container.image).toBe(input.image);
  expect(container.command).toEqual(['portico']);

  // Every Service port lands on a container port; the webhook configuration calls a Service port.
  const containerPorts = container.ports.map((p: Obj) => p.containerPort);
  // Metrics: the diagnostics port (bound on --api-host, 0.0.0.0 here), announced to Prometheus.
  expect(container.ports).toContainEqual({ name: 'diagnostics', containerPort: 5680, protocol: 'TCP' });
  expect(deployment.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '5680', 'prometheus.io/path': '/metrics' });
  for (const port of service.spec.ports) expect(containerPorts).toContain(port.targetPort);
  const webhooks = find(manifests, 'ValidatingWebhookConfiguration').webhooks as Obj[];
  for (const w of webhooks) {
    expect(w.clientConfig.service).toMatchObject({ namespace, name: service.metadata.name });
    const servicePort = service.spec.ports.find((p: Obj) => p.port === w.clientConfig.service.port);
    expect(servicePort?.targetPort).toBe(Number(flagValue(container.args, '--webhook-port')));
    expect(Buffer.from(w.clientConfig.caBundle, 'base64').toString('utf8')).toBe(input.webhookCert.caPem);
  }

  // The TLS files named in the args are the mounted Secret's keys.
  const secret = find(manifests, 'Secret');
  expect(secret.metadata.name).toBe(WEBHOOK_TLS_SECRET);
  const volume = pod.spec.volumes.find((v: Obj) => v.secret?.secretName === WEBHOOK_TLS_SECRET);
  const mount = container.volumeMounts.find((m: Obj) => m.name === volume?.name);
  expect(mount?.readOnly).toBe(true);
  expect(flagValue(container.args, '--webhook-tls-cert-file')).toBe(`${mount?.mountPath}/tls.crt`);
  expect(flagValue(container.args, '--webhook-tls-key-file')).toBe(`${mount?.mountPath}/tls.key`);
  const decoded = (key: string) => Buffer.from(secret.data[key], 'base64').toString('utf8');
  expect([decoded('ca.crt'), decoded('tls.crt'), decoded('tls.key')]).toEqual([input.webhookCert.caPem, input.webhookCert.certPem, input.webhookCert.keyPem]);

  // The control plane is told its own namespace, image and in-cluster URL.
  expect(flagValue(container.args, '--system-namespace')).toBe(namespace);
  expect(flagValue(container.args, '--gateway-image')).toBe(input.image);
  expect(flagValue(container.args, '--gateway-cp-url')).toBe(`https://${CONTROL_PLANE_NAME}.${namespace}.svc:5678`);
  // One certificate for every replica's dataplane port: the webhook's, whose CA gateway pods get.
  expect(flagValue(container.args, '--tls-cert-file')).toBe(flagValue(container.args, '--webhook-tls-cert-file'));
  expect(flagValue(container.args, '--tls-key-file')).toBe(flagValue(container.args, '--webhook-tls-key-file'));
  expect(flagValue(container.args, '--gateway-ca-file')).toMatch(/\/ca\.crt$/);

  // Both bindings give their role to the pod's service account.
  const serviceAccount = find(manifests, 'ServiceAccount');
  expect(pod.spec.serviceAccountName).toBe(serviceAccount.metadata.name);
  for (const [binding, role] of [['ClusterRoleBinding', 'ClusterRole'], ['RoleBinding', 'Role']] as const) {
    const b = find(manifests, binding);
    expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: role, name: find(manifests, role).metadata.name });
    expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace }]);
  }
}

describe('desiredControlPlaneManifests golden cases', () => {
  const cases = goldenCases(DIR);
  it('has the documented cases', () => {
    expect(cases.map((c) => c.name)).toEqual(['custom-namespace-image-replicas', 'defaults']);
  });
  for (const c of cases) {
    it(c.name, () => {
      const input = deepFreeze(c.input as ControlPlaneManifestsInput);
      const manifests = desiredControlPlaneManifests(input);
      expect(JSON.stringify(desiredControlPlaneManifests(input))).toBe(JSON.stringify(manifests));
      expectInvariants(input, manifests);
      expectGolden(c, manifests);
    });
  }
});

describe('control plane RBAC', () => {
  const all = [...CLUSTER_RULES, ...NAMESPACE_RULES];

  it('names every group, resource and verb explicitly (no wildcards)', () => {
    for (const rule of all) {
      for (const value of [...rule.apiGroups, ...rule.resources, ...rule.verbs]) expect(value).not.toContain('*');
    }
  });

  it('reads Secrets only in its own namespace and never writes them', () => {
    expect(CLUSTER_RULES.flatMap((r) => r.resources)).not.toContain('secrets');
    // Secrets: read, and create or update for the builtin mesh CAs (never delete), in its namespace only.
    expect(NAMESPACE_RULES.filter((r) => r.resources.includes('secrets'))).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'update'] }]);
  });

  it('may read, create and renew the leader Lease in its own namespace only, never delete it', () => {
    expect(CLUSTER_RULES.flatMap((r) => r.resources)).not.toContain('leases');
    expect(NAMESPACE_RULES.filter((r) => r.resources.includes('leases'))).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
  });

  it('deletes nothing but Dataplanes and its own delivery ConfigMaps, and of the user-owned kuma.io kinds only labels new Meshes and creates their default policy', () => {
    const deletable = all.filter((r) => r.verbs.includes('delete')).flatMap((r) => r.resources);
    expect(deletable).toEqual(['dataplanes', 'configmaps']);
    // ConfigMaps only in its own namespace, where the replicas' delivery board lives.
    expect(CLUSTER_RULES.flatMap((r) => r.resources)).not.toContain('configmaps');
    const writable = all.filter((r) => r.verbs.some((v) => ['create', 'update', 'patch'].includes(v))).flatMap((r) => r.resources);
    for (const kind of ['meshgateways', 'meshgatewayroutes', 'meshgatewayinstances']) expect(writable).not.toContain(kind);
    // docs/mesh-mtls.md §5.5: the defaults label on Meshes (update only) and the default policies (create only).
    expect(all.filter((r) => r.resources.includes('meshes') && r.verbs.some((v) => v !== 'get' && v !== 'list' && v !== 'watch'))).toEqual([{ apiGroups: ['kuma.io'], resources: ['meshes'], verbs: ['update'] }]);
    expect(all.filter((r) => r.resources.includes('trafficpermissions') && r.verbs.includes('create'))).toEqual([{ apiGroups: ['kuma.io'], resources: ['circuitbreakers', 'retries', 'timeouts', 'trafficpermissions'], verbs: ['create'] }]);
  });
});

describe('renderControlPlaneManifest', () => {
  const input: ControlPlaneManifestsInput = { image: 'portico:test', webhookCert: { caPem: 'CA\n', certPem: 'CERT\n', keyPem: 'KEY\n' } };

  it('prints every object as one YAML document that parses back to it', () => {
    const manifests = desiredControlPlaneManifests(input);
    const text = renderControlPlaneManifest(manifests);
    const docs = parseAllDocuments(text, { version: '1.1' });
    expect(docs.every((d) => d.errors.length === 0)).toBe(true);
    expect(docs.map((d) => d.toJS())).toEqual(JSON.parse(JSON.stringify(manifests)));
  });

  it('changes the pod template when the serving certificate changes, so the pods pick it up', () => {
    const annotations = (certPem: string) =>
      (find(desiredControlPlaneManifests({ ...input, webhookCert: { ...input.webhookCert, certPem } }), 'Deployment').spec.template.metadata.annotations as Record<string, string>);
    expect(annotations('CERT-1\n')).not.toEqual(annotations('CERT-2\n'));
    expect(annotations('CERT-1\n')).toEqual(annotations('CERT-1\n'));
  });
});

describe('control plane install for a multi-zone role', () => {
  const base: ControlPlaneManifestsInput = { image: 'portico:test', webhookCert: { caPem: 'CA\n', certPem: 'CERT\n', keyPem: 'KEY\n' } };
  const writes = (rules: readonly { resources: readonly string[]; verbs: readonly string[] }[], resource: string) =>
    rules.some((r) => r.resources.includes(resource) && r.verbs.includes('create') && r.verbs.includes('update') && r.verbs.includes('delete'));

  it('a federated zone writes what global sends (meshes, policies, gateways, routes, Secrets) and dials the global with the token Secret', () => {
    const zone = { mode: 'zone', zone: 'zone-1', globalAddress: 'grpcs://global.example:5685' } as const;
    for (const resource of ['meshes', 'meshgateways', 'meshgatewayroutes', 'trafficpermissions', 'timeouts']) expect(writes(clusterRules(zone), resource), resource).toBe(true);
    expect(writes(clusterRules(zone), 'zones')).toBe(false);
    expect(namespaceRules(zone).find((r) => r.resources.includes('secrets'))?.verbs).toContain('delete');
    const manifests = desiredControlPlaneManifests({ ...base, multizone: zone });
    const container = find(manifests, 'Deployment').spec.template.spec.containers[0] as Obj;
    const args = container.args as string[];
    expect([flagValue(args, '--mode'), flagValue(args, '--zone'), flagValue(args, '--global-address')]).toEqual(['zone', 'zone-1', 'grpcs://global.example:5685']);
    expect(flagValue(args, '--zone-token-file')).toBe(`${ZONE_TOKEN_DIR}/token`);
    expect(flagValue(args, '--kds-root-ca-file')).toBe(`${ZONE_TOKEN_DIR}/ca.crt`);
    expect(container.volumeMounts).toContainEqual({ name: 'zone-token', mountPath: ZONE_TOKEN_DIR, readOnly: true });
    expect(find(manifests, 'Deployment').spec.template.spec.volumes).toContainEqual({ name: 'zone-token', secret: { secretName: ZONE_TOKEN_SECRET, defaultMode: 0o440 } });
    // Deletes go to the webhook, which refuses deleting global's copies (docs/multizone.md §5).
    for (const hook of find(manifests, 'ValidatingWebhookConfiguration').webhooks as Obj[]) expect(hook.rules[0].operations).toEqual(['CREATE', 'UPDATE', 'DELETE']);
  });

  it('a global writes the zones\' copies and Zone records, not routes, and serves the sync port', () => {
    const global = { mode: 'global' } as const;
    for (const resource of ['dataplanes', 'meshgateways', 'zones', 'zoneinsights']) expect(writes(clusterRules(global), resource), resource).toBe(true);
    expect(writes(clusterRules(global), 'meshgatewayroutes')).toBe(false);
    const manifests = desiredControlPlaneManifests({ ...base, multizone: global });
    expect(flagValue(find(manifests, 'Deployment').spec.template.spec.containers[0].args as string[], '--mode')).toBe('global');
    expect(find(manifests, 'Service').spec.ports).toContainEqual({ name: 'kds', protocol: 'TCP', port: 5685, targetPort: 5685 });
  });

  it('a zone without global keeps the install as it was: no extra rule, deletes not sent to the webhook', () => {
    expect(clusterRules(undefined)).toBe(CLUSTER_RULES);
    expect(namespaceRules(undefined)).toBe(NAMESPACE_RULES);
    for (const hook of find(desiredControlPlaneManifests(base), 'ValidatingWebhookConfiguration').webhooks as Obj[]) expect(hook.rules[0].operations).toEqual(['CREATE', 'UPDATE']);
  });
});
