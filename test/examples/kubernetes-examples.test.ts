// The Kubernetes example (examples/kubernetes/) is what a user applies with `kubectl apply -f` and
// what the Kubernetes e2e test seeds: every document must be valid as Portico's admission webhook
// judges it, the objects must refer to each other correctly, and the gateway pods the instance
// produces must be routed to the demo app by the offline translation.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { parseMeshGatewayInstanceSpec } from '../../src/api/mesh-gateway-instance.js';
import { parseResourceDocument, type ParsedResource } from '../../src/api/resource-document.js';
import { runTranslate } from '../../src/cli/translate.js';
import { instanceTags } from '../../src/k8s/render/gateway-instance-input.js';

const DIR = path.join(import.meta.dirname, '..', '..', 'examples', 'kubernetes');
/** Core kinds the example may use besides Portico's (kubectl creates them; Portico only reads them). */
const CORE_KINDS = new Set(['v1/Namespace', 'v1/Service', 'apps/v1/Deployment']);

/** Loosely typed navigation through the example's objects. */
type Obj = Record<string, any>;

/** Every document of every file, with the YAML errors of each file (asserted empty below). */
function exampleDocuments(): { file: string; doc: Obj; errors: string[] }[] {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(DIR, file), 'utf8'), { uniqueKeys: true }).map((d) => ({
      file,
      doc: d.toJS() as Obj,
      errors: d.errors.map((e) => e.message),
    })),
  );
}

const docs = exampleDocuments();
const ofKind = (kind: string): Obj[] => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc);
const one = (kind: string): Obj => {
  const found = ofKind(kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

describe('examples/kubernetes', () => {
  const kuma: ParsedResource[] = [];

  it('has the mesh, the demo app and the gateway files, with no empty documents', () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()).toEqual(['demo-app.yaml', 'gateway.yaml', 'mesh.yaml']);
    for (const { file, doc, errors } of docs) {
      expect(errors, file).toEqual([]);
      expect(doc !== null && typeof doc === 'object' && !Array.isArray(doc), file).toBe(true);
    }
  });

  it('holds only documents Portico accepts, and core kinds kubectl creates', () => {
    const namespaces = new Set(ofKind('Namespace').map((n) => n.metadata.name as string));
    for (const { file, doc } of docs) {
      const where = `${file} ${doc.kind}/${doc.metadata?.name}`;
      if (doc.apiVersion === 'kuma.io/v1alpha1' && doc.kind === 'MeshGatewayInstance') {
        const spec = parseMeshGatewayInstanceSpec(doc.spec);
        expect(spec.ok ? [] : spec.violations, where).toEqual([]);
      } else if (doc.apiVersion === 'kuma.io/v1alpha1') {
        const parsed = parseResourceDocument(doc);
        expect(parsed.ok ? [] : parsed.violations, where).toEqual([]);
        if (parsed.ok) kuma.push(parsed.value);
      } else {
        expect(CORE_KINDS.has(`${doc.apiVersion}/${doc.kind}`), where).toBe(true);
      }
      // Every namespaced object lives in a namespace the example creates.
      if (doc.metadata.namespace !== undefined) expect(namespaces.has(doc.metadata.namespace), where).toBe(true);
    }
    expect(kuma.map((r) => `${r.kind}/${r.name}`).sort()).toEqual(['Dataplane/demo-app', 'Mesh/default', 'MeshGateway/edge', 'MeshGatewayRoute/edge-demo-app']);
  });

  it('gives edge-gateway a LoadBalancer and a MeshGateway on 8080 for foo.example.com that selects its pods', () => {
    const instance = one('MeshGatewayInstance');
    expect(instance.metadata).toMatchObject({ name: 'edge-gateway', namespace: 'ingress' });
    expect(instance.spec.serviceType).toBe('LoadBalancer');
    const gateway = one('MeshGateway');
    const tags = instanceTags(instance.metadata.name, instance.metadata.namespace, {});
    expect(gateway.spec.selectors).toEqual([{ match: { 'kuma.io/service': tags['kuma.io/service'] } }]);
    expect(gateway.spec.conf.listeners).toEqual([expect.objectContaining({ port: 8080, protocol: 'HTTP', hostname: 'foo.example.com' })]);
  });

  it('wires the demo Deployment, Service and Dataplane to the service the route names', () => {
    const deployment = one('Deployment');
    const service = one('Service');
    const dataplane = one('Dataplane');
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(deployment.spec.template.spec.containers[0].ports[0].containerPort).toBe(service.spec.ports[0].targetPort);
    const servicePort = service.spec.ports[0].port as number;
    const serviceTag = `${service.metadata.name}_${service.metadata.namespace}_svc_${servicePort}`;
    expect(dataplane.spec.networking.inbound).toEqual([expect.objectContaining({ port: servicePort, tags: expect.objectContaining({ 'kuma.io/service': serviceTag }) })]);
    const [rule] = one('MeshGatewayRoute').spec.conf.http.rules;
    expect(rule.matches).toEqual([{ path: { match: 'PREFIX', value: '/' } }]);
    expect(rule.backends).toEqual([{ destination: { 'kuma.io/service': serviceTag } }]);
  });

  describe('offline translation for a gateway pod of edge-gateway', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-k8s-example-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('routes foo.example.com/ on 8080 to the demo app endpoint', async () => {
      const instance = one('MeshGatewayInstance');
      // The Dataplane the pod controller writes for a gateway pod (docs/gateway.md §3.3).
      const gatewayPod = {
        apiVersion: 'kuma.io/v1alpha1',
        kind: 'Dataplane',
        mesh: 'default',
        metadata: { name: 'edge-gateway-5d8f7c9b6-x2x7q', namespace: 'ingress' },
        spec: { networking: { address: '10.244.0.7', gateway: { type: 'BUILTIN', tags: instanceTags(instance.metadata.name, instance.metadata.namespace, {}) } } },
      };
      const kumaDocs = docs.map((d) => d.doc).filter((d) => d.apiVersion === 'kuma.io/v1alpha1' && d.kind !== 'MeshGatewayInstance');
      const file = path.join(dir, 'resources.yaml');
      writeFileSync(file, [...kumaDocs, gatewayPod].map((d) => stringify(d)).join('---\n'));
      let stdout = '';
      let stderr = '';
      const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => '', now: () => new Date(0) };
      const code = await runTranslate(io, { file: [file], dataplane: { mesh: 'default', name: gatewayPod.metadata.name }, output: 'json', showSecrets: false });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const dump = JSON.parse(stdout) as { listeners: Obj[]; routes: Obj[]; clusters: Obj[]; endpoints: Obj[] };
      expect(dump.listeners.map((l) => l.address.socket_address.port_value)).toEqual([8080]);
      const hosts = dump.routes.flatMap((r) => r.virtual_hosts as Obj[]);
      const foo = hosts.find((h) => (h.domains as string[]).includes('foo.example.com'));
      expect(foo?.routes).toEqual([expect.objectContaining({ match: expect.objectContaining({ prefix: '/' }) })]);
      const backends = (foo?.routes[0].route.weighted_clusters.clusters ?? []) as Obj[];
      expect(backends.map((b) => b.name)).toEqual([expect.stringMatching(/^demo-app_demo_svc_8080(-|$)/)]);
      const clusterName = backends[0]?.name as string;
      expect(dump.clusters.map((c) => c.name)).toContain(clusterName);
      const assignment = dump.endpoints.find((e) => e.cluster_name === clusterName);
      const addresses = (assignment?.endpoints as Obj[]).flatMap((e) => e.lb_endpoints as Obj[]).map((e) => e.endpoint.address.socket_address);
      expect(addresses).toEqual([expect.objectContaining({ address: one('Dataplane').spec.networking.address, port_value: 8080 })]);
    });
  });
});
