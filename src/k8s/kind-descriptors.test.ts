// The Kubernetes side covers every kind descriptor: each CRD kind is generated and shipped in
// crds/, each stored kind has an API location, and the webhook, RBAC and admission decision know
// every kind, so a new descriptor needs no edit here.
import { describe, expect, it } from 'vitest';
import { CRD_KINDS } from '../api/crd-kinds.js';
import { KUBERNETES_ONLY_KINDS, RESOURCE_KINDS } from '../api/resource-kinds.js';
import { renderCrdFiles } from './crd-files.js';
import { desiredCrds } from './crds.js';
import { CLUSTER_RULES } from './render/control-plane-manifests.js';
import { VALIDATED_KUMA_RESOURCES } from './render/webhook-configuration.js';
import { DEFAULT_SYSTEM_NAMESPACE, kindLocations } from './store/kuma-objects.js';
import type { AdmissionRequest } from './webhook/admission-review.js';
import { admit } from './webhook/admit.js';

const plurals = CRD_KINDS.map((k) => k.plural);

function request(kind: AdmissionRequest['kind'], object: Record<string, unknown>): AdmissionRequest {
  return { uid: 'u', kind, operation: 'CREATE', object };
}

describe('kind descriptors on Kubernetes', () => {
  it('generates one CRD, and one crds/ file, per CRD kind', () => {
    expect(desiredCrds().map((c) => c.spec.names.kind)).toEqual(CRD_KINDS.map((k) => k.kind));
    expect(renderCrdFiles().map((f) => f.fileName)).toEqual(plurals.map((p) => `kuma.io_${p}.yaml`).sort());
  });

  it('locates every stored kind: its CRD collection, or Secrets of its type', () => {
    const locations = kindLocations(DEFAULT_SYSTEM_NAMESPACE);
    expect(locations.map((l) => l.kind)).toEqual(RESOURCE_KINDS.map((d) => d.kind));
    for (const d of RESOURCE_KINDS) {
      const l = locations.find((x) => x.kind === d.kind);
      if (d.kubernetes.form === 'crd') expect(l?.plural, d.kind).toBe(CRD_KINDS.find((k) => k.kind === d.kind)?.plural);
      else expect(l?.fieldSelector, d.kind).toBe(`type=${d.kubernetes.secretType}`);
    }
  });

  it('sends every CRD kind to the webhook and lets the control plane read each', () => {
    expect([...VALIDATED_KUMA_RESOURCES].sort()).toEqual([...plurals].sort());
    const kuma = CLUSTER_RULES.filter((r) => r.apiGroups.includes('kuma.io'));
    const readable = kuma.filter((r) => r.verbs.includes('watch')).flatMap((r) => r.resources);
    expect([...readable].sort()).toEqual([...plurals].sort());
  });

  it('refuses an invalid spec of every kind at admission', () => {
    for (const d of RESOURCE_KINDS) {
      const form = d.kubernetes;
      const verdict =
        form.form === 'crd'
          ? admit(request({ group: 'kuma.io', version: 'v1alpha1', kind: d.kind }, { apiVersion: 'kuma.io/v1alpha1', kind: d.kind, metadata: { name: 'x', namespace: 'n' }, spec: { notAField: 1 } }), 'zone')
          : admit(request({ group: '', version: 'v1', kind: 'Secret' }, { apiVersion: 'v1', kind: 'Secret', type: form.secretType, metadata: { name: 'x' }, data: { value: '' } }), 'zone');
      expect(verdict.allowed, d.kind).toBe(false);
    }
    for (const d of KUBERNETES_ONLY_KINDS) {
      const object = { apiVersion: 'kuma.io/v1alpha1', kind: d.kind, metadata: { name: 'x', namespace: 'n' }, spec: { notAField: 1 } };
      expect(admit(request({ group: 'kuma.io', version: 'v1alpha1', kind: d.kind }, object), 'zone').allowed, d.kind).toBe(false);
    }
  });
});
