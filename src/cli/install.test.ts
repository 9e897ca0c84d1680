import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderCrdManifest } from '../k8s/crd-files.js';
import { desiredCrds } from '../k8s/crds.js';
import { desiredControlPlaneManifests, renderControlPlaneManifest } from '../k8s/render/control-plane-manifests.js';
import { checkWebhookCertificates, generateWebhookCertificates, type WebhookCertificates } from '../k8s/webhook-certificates.js';
import { installCommand } from './install.js';

/** Runs `install <args>` with output captured, as main() wires commands. */
async function run(args: string[]): Promise<{ stdout: string; stderr: string; error?: unknown }> {
  let stdout = '';
  let stderr = '';
  const command = installCommand();
  for (const c of [command, ...command.commands]) {
    c.exitOverride().configureOutput({ writeOut: (t) => void (stdout += t), writeErr: (t) => void (stderr += t) });
  }
  try {
    await command.parseAsync(args, { from: 'user' });
    return { stdout, stderr };
  } catch (error) {
    return { stdout, stderr, error };
  }
}

describe('portico install', () => {
  it('crds prints every CRD as one multi-document YAML stream, as crds/ holds them', async () => {
    const { stdout, error } = await run(['crds']);
    expect(error).toBeUndefined();
    expect(stdout).toBe(renderCrdManifest());
    const docs = parseAllDocuments(stdout, { version: '1.1' }).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(desiredCrds().map((c) => `CustomResourceDefinition/${c.metadata.name}`));
  });

  it('rejects an unknown target', async () => {
    const { stdout, stderr, error } = await run(['gateway-api']);
    expect(stdout).toBe('');
    expect(error).toBeDefined();
    expect(stderr).toMatch(/unknown command|too many arguments/);
  });
});

/** Loosely typed navigation through parsed manifests. */
type Obj = Record<string, any>;

function documents(text: string): Obj[] {
  return parseAllDocuments(text, { version: '1.1' }).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Obj;
  });
}

function ofKind(docs: Obj[], kind: string): Obj {
  const found = docs.filter((d) => d.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
}

/** The webhook certificates a printed manifest carries: the Secret's files. */
function certificatesOf(docs: Obj[]): WebhookCertificates {
  const data = ofKind(docs, 'Secret').data as Record<string, string>;
  const text = (key: string) => Buffer.from(data[key] ?? '', 'base64').toString('utf8');
  return { caPem: text('ca.crt'), certPem: text('tls.crt'), keyPem: text('tls.key') };
}

describe('portico install control-plane', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-install-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeCertificates(certs: WebhookCertificates, prefix: string): string[] {
    const files = { ca: certs.caPem, cert: certs.certPem, key: certs.keyPem };
    return Object.entries(files).flatMap(([name, pem]) => {
      const file = path.join(dir, `${prefix}-${name}.pem`);
      writeFileSync(file, pem);
      return [`--webhook-${name}-file`, file];
    });
  }

  it('prints the control plane with defaults and freshly generated webhook certificates', async () => {
    const { stdout, stderr, error } = await run(['control-plane']);
    expect(error).toBeUndefined();
    expect(stderr).toBe('');
    const docs = documents(stdout);
    expect(docs.map((d) => d.kind)).toEqual([
      'Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding',
      'Secret', 'Service', 'Deployment', 'ValidatingWebhookConfiguration',
    ]);
    expect(ofKind(docs, 'Namespace').metadata.name).toBe('portico-system');
    const deployment = ofKind(docs, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].image).toBe('portico:0.1.0');
    // The generated certificates are valid for the Service, and the API server trusts their CA.
    const certs = certificatesOf(docs);
    expect(checkWebhookCertificates(certs, 'portico-control-plane.portico-system.svc')).toEqual([]);
    for (const webhook of ofKind(docs, 'ValidatingWebhookConfiguration').webhooks as Obj[]) {
      expect(Buffer.from(webhook.clientConfig.caBundle, 'base64').toString('utf8')).toBe(certs.caPem);
    }
  });

  it('applies --namespace, --image and --replicas, with certificates for that namespace', async () => {
    const { stdout, error } = await run(['control-plane', '--namespace', 'mesh-gateways', '--image', 'registry.example.com/portico:0.2.0', '--replicas', '2']);
    expect(error).toBeUndefined();
    const docs = documents(stdout);
    expect(ofKind(docs, 'Namespace').metadata.name).toBe('mesh-gateways');
    const deployment = ofKind(docs, 'Deployment');
    expect(deployment.metadata.namespace).toBe('mesh-gateways');
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('registry.example.com/portico:0.2.0');
    expect(container.args).toEqual(expect.arrayContaining(['--system-namespace', 'mesh-gateways', '--gateway-image', 'registry.example.com/portico:0.2.0']));
    expect(checkWebhookCertificates(certificatesOf(docs), 'portico-control-plane.mesh-gateways.svc')).toEqual([]);
  });

  it('uses the given certificate files verbatim, giving the same bytes as the renderer', async () => {
    const certs = generateWebhookCertificates({ namespace: 'portico-system', serviceName: 'portico-control-plane' });
    const { stdout, error } = await run(['control-plane', ...writeCertificates(certs, 'given')]);
    expect(error).toBeUndefined();
    expect(stdout).toBe(renderControlPlaneManifest(desiredControlPlaneManifests({ namespace: 'portico-system', image: 'portico:0.1.0', replicas: 1, webhookCert: certs })));
  });

  it('refuses certificate files that would make every admission call fail, naming each problem', async () => {
    const certs = generateWebhookCertificates({ namespace: 'elsewhere', serviceName: 'portico-control-plane' });
    const stranger = generateWebhookCertificates({ namespace: 'portico-system', serviceName: 'portico-control-plane' });
    const args = writeCertificates({ ...certs, keyPem: stranger.keyPem }, 'mixed');
    const { stdout, stderr, error } = await run(['control-plane', ...args]);
    expect(stdout).toBe('');
    expect(error).toBeDefined();
    expect(stderr).toContain('error: the webhook serving key does not belong to the serving certificate');
    expect(stderr).toContain('error: the webhook serving certificate is not valid for portico-control-plane.portico-system.svc');
  });

  it('rejects some but not all certificate files, unreadable files and bad option values', async () => {
    const partial = await run(['control-plane', '--webhook-cert-file', path.join(dir, 'x.pem')]);
    expect(partial.error).toBeDefined();
    expect(partial.stderr).toContain('give all three or none');
    const missing = ['--webhook-ca-file', '--webhook-cert-file', '--webhook-key-file'].flatMap((f) => [f, path.join(dir, 'absent.pem')]);
    const unreadable = await run(['control-plane', ...missing]);
    expect(unreadable.stderr).toContain(`error: cannot read --webhook-ca-file ${path.join(dir, 'absent.pem')}: ENOENT`);
    for (const bad of [['--replicas', '0'], ['--replicas', '1.5'], ['--namespace', 'Not_A_Namespace']]) {
      const result = await run(['control-plane', ...bad]);
      expect(result.error, bad.join(' ')).toBeDefined();
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`option '${bad[0]} <`);
      expect(result.stderr).toContain(`argument '${bad[1]}' is invalid`);
    }
  });
});
