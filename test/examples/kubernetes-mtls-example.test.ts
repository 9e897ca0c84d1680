// The Kubernetes mTLS example (examples/kubernetes/mtls/) applied over the base example: the
// Mesh is one the admission webhook accepts, and the gateway pod's configuration, computed
// offline with a CA as the control plane creates it, carries the gateway's identity and the mesh
// CA while its cluster to the demo app (no sidecar, so not TLS ready) stays plaintext.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { parseResourceDocument } from '../../src/api/resource-document.js';
import { createBuiltinCa } from '../../src/ca/mesh-ca.js';
import { runTranslate } from '../../src/cli/translate.js';
import { instanceTags } from '../../src/k8s/render/gateway-instance-input.js';

const BASE = path.join(import.meta.dirname, '..', '..', 'examples', 'kubernetes');
type Obj = Record<string, any>;

function documents(dir: string): Obj[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Obj));
}

describe('examples/kubernetes/mtls', () => {
  const mtlsMesh = documents(path.join(BASE, 'mtls'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-k8s-mtls-example-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds one Mesh, with builtin PERMISSIVE mTLS, that Portico accepts', () => {
    expect(mtlsMesh.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Mesh/default']);
    const parsed = parseResourceDocument(mtlsMesh[0]);
    expect(parsed.ok ? [] : parsed.violations).toEqual([]);
    expect(mtlsMesh[0]!.spec.mtls).toMatchObject({ enabledBackend: 'ca-1', backends: [{ type: 'builtin', mode: 'PERMISSIVE' }] });
  });

  it("gives the gateway pod its identity and the mesh CA, and keeps plaintext towards the sidecar-less demo app", async () => {
    const base = documents(BASE).filter((d) => d.apiVersion === 'kuma.io/v1alpha1' && d.kind !== 'MeshGatewayInstance' && d.kind !== 'Mesh');
    const instance = documents(BASE).find((d) => d.kind === 'MeshGatewayInstance')!;
    const ca = await createBuiltinCa('default', { rsaBits: 2048, lifetimeMs: 86_400_000, now: new Date() });
    const secret = (name: string, pem: string) => ({ type: 'Secret', mesh: 'default', name, data: Buffer.from(pem).toString('base64') });
    const gatewayPod = {
      apiVersion: 'kuma.io/v1alpha1',
      kind: 'Dataplane',
      mesh: 'default',
      metadata: { name: 'edge-gateway-5d8f7c9b6-x2x7q', namespace: 'ingress' },
      spec: { networking: { address: '10.244.0.7', gateway: { type: 'BUILTIN', tags: instanceTags(instance.metadata.name, instance.metadata.namespace, {}) } } },
    };
    const file = path.join(dir, 'resources.yaml');
    const all = [...mtlsMesh, ...base, gatewayPod, secret('default.ca-builtin-cert-ca-1', ca.certPem), secret('default.ca-builtin-key-ca-1', ca.keyPem)];
    writeFileSync(file, all.map((d) => stringify(d)).join('---\n'));
    let stdout = '';
    let stderr = '';
    const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), readStdin: async () => '', now: () => new Date(0) };
    const code = await runTranslate(io, { file: [file], dataplane: { mesh: 'default', name: gatewayPod.metadata.name }, output: 'json', showSecrets: false });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const dump = JSON.parse(stdout) as { clusters: Obj[]; secrets: Obj[] };
    expect(dump.secrets.map((s) => s.name)).toEqual(['mesh_ca:secret:default']);
    expect(dump.clusters.length).toBeGreaterThan(0);
    for (const cluster of dump.clusters) expect(cluster).not.toHaveProperty('transport_socket');
  });
});
