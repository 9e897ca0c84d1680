// Every kind descriptor is complete and consistent with the others: the layers derive routes,
// CLI names, CRDs and store locations from these facts, so a clash here would be a clash there.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DataplaneSpec } from './dataplane.js';
import type { MeshSpec } from './mesh.js';
import type { MeshGatewaySpec } from './mesh-gateway.js';
import type { MeshGatewayRouteSpec } from './mesh-gateway-route.js';
import type { ProxyTemplateSpec } from './proxy-template.js';
import type { TrafficPermissionSpec } from './traffic-permission.js';
import { CRD_KINDS } from './crd-kinds.js';
import { KIND_NAMES, STORED_KIND_NAMES } from './kinds/names.js';
import { findKind, isGlobalKind, KUBERNETES_ONLY_KINDS, parseSpec, RESOURCE_KIND_NAMES, RESOURCE_KINDS, SECRET_FORM_KINDS, type ResourceKindName, type SpecByKind } from './resource-kinds.js';
import { SECRET_SPEC_SCHEMA, type SecretSpec } from './secret.js';
import type { ExternalServiceSpec } from './external-service.js';

const USER_NAME = /^[a-z][a-z0-9-]*$/;

describe('RESOURCE_KINDS', () => {
  it('derives the kind-name type from the list, in apply order with Mesh first', () => {
    const names: readonly ResourceKindName[] = ['Mesh', 'Dataplane', 'MeshGateway', 'MeshGatewayRoute', 'TrafficPermission', 'Timeout', 'Retry', 'CircuitBreaker', 'HealthCheck', 'FaultInjection', 'RateLimit', 'TrafficLog', 'TrafficTrace', 'ProxyTemplate', 'ExternalService', 'Secret', 'GlobalSecret', 'Zone', 'ZoneInsight', 'ZoneIngress'];
    expect(RESOURCE_KIND_NAMES).toEqual(names);
    expectTypeOf<ResourceKindName>().toEqualTypeOf<'Mesh' | 'Dataplane' | 'MeshGateway' | 'MeshGatewayRoute' | 'TrafficPermission' | 'Timeout' | 'Retry' | 'CircuitBreaker' | 'HealthCheck' | 'FaultInjection' | 'RateLimit' | 'TrafficLog' | 'TrafficTrace' | 'ProxyTemplate' | 'ExternalService' | 'Secret' | 'GlobalSecret' | 'Zone' | 'ZoneInsight' | 'ZoneIngress'>();
  });

  it("derives each kind's spec type from its validator", () => {
    expectTypeOf<SpecByKind['Mesh']>().toEqualTypeOf<MeshSpec>();
    expectTypeOf<SpecByKind['Dataplane']>().toEqualTypeOf<DataplaneSpec>();
    expectTypeOf<SpecByKind['MeshGateway']>().toEqualTypeOf<MeshGatewaySpec>();
    expectTypeOf<SpecByKind['MeshGatewayRoute']>().toEqualTypeOf<MeshGatewayRouteSpec>();
    expectTypeOf<SpecByKind['TrafficPermission']>().toEqualTypeOf<TrafficPermissionSpec>();
    expectTypeOf<SpecByKind['ProxyTemplate']>().toEqualTypeOf<ProxyTemplateSpec>();
    expectTypeOf<SpecByKind['ExternalService']>().toEqualTypeOf<ExternalServiceSpec>();
    expectTypeOf<SpecByKind['Secret']>().toEqualTypeOf<SecretSpec>();
    expectTypeOf<SpecByKind['GlobalSecret']>().toEqualTypeOf<SecretSpec>();
  });

  it('gives every kind a complete descriptor', () => {
    for (const d of RESOURCE_KINDS) {
      expect(d.kind, d.kind).toMatch(/^[A-Z][A-Za-z]*$/);
      for (const name of [d.plural, d.singular, ...d.aliases]) expect(name, d.kind).toMatch(USER_NAME);
      expect(['global', 'mesh'], d.kind).toContain(d.scope);
      expect(typeof d.confidential, d.kind).toBe('boolean');
      expect(d.schema.kind, d.kind).toBe('object');
      expect(d.schema.doc, d.kind).not.toBe('');
      expect(typeof d.validate, d.kind).toBe('function');
      expect(['crd', 'secret'], d.kind).toContain(d.kubernetes.form);
    }
    for (const d of KUBERNETES_ONLY_KINDS) {
      expect(d.schema.kind, d.kind).toBe('object');
      expect(typeof d.parse, d.kind).toBe('function');
      expect(d.kubernetes.form, d.kind).toBe('crd');
    }
  });

  it('resolves every name a user may type to its own kind, so no two kinds share a name', () => {
    const owner = new Map<string, string>();
    for (const d of RESOURCE_KINDS) {
      for (const name of new Set([d.kind.toLowerCase(), d.plural, d.singular, ...d.aliases])) {
        expect(owner.get(name), `${name} names both ${owner.get(name)} and ${d.kind}`).toBeUndefined();
        owner.set(name, d.kind);
        expect(findKind(name)?.kind).toBe(d.kind);
        expect(findKind(name.toUpperCase())?.kind).toBe(d.kind);
      }
    }
  });

  it("takes every kind's names, scope and columns from its entry in kinds/names.ts, listed there in apply order", () => {
    // The CLI reads names.ts alone (without schemas and validators): it must say what the descriptors say.
    expect(STORED_KIND_NAMES.map((n) => n.kind)).toEqual(RESOURCE_KIND_NAMES);
    for (const d of RESOURCE_KINDS) {
      const names = KIND_NAMES[d.kind];
      expect({ kind: d.kind, plural: d.plural, singular: d.singular, aliases: d.aliases, scope: d.scope }, d.kind).toEqual({ kind: names.kind, plural: names.plural, singular: names.singular, aliases: names.aliases, scope: names.scope });
      expect(d.columns, d.kind).toBe(names.columns);
    }
  });

  it('parses an empty spec of every kind without throwing', () => {
    for (const kind of RESOURCE_KIND_NAMES) expect(() => parseSpec(kind, {}), kind).not.toThrow();
  });

  it('keeps secret kinds confidential, with the Secret spec the core/v1 Secret form maps, one type each', () => {
    expect(SECRET_FORM_KINDS.map((d) => d.kind)).toEqual(['Secret', 'GlobalSecret']);
    for (const d of SECRET_FORM_KINDS) {
      expect(d.confidential, d.kind).toBe(true);
      expect(d.schema, d.kind).toBe(SECRET_SPEC_SCHEMA);
    }
    const types = SECRET_FORM_KINDS.map((d) => d.kubernetes.secretType);
    expect(new Set(types).size).toBe(types.length);
  });

  it('gives each kind distinct table headers, none of the MESH, NAME and AGE the CLI adds', () => {
    for (const d of RESOURCE_KINDS) {
      const headers = d.columns.map((c) => c.header);
      expect(new Set(headers).size, d.kind).toBe(headers.length);
      for (const h of headers) {
        expect(h, d.kind).toMatch(/^[A-Z][A-Z0-9 ]*$/);
        expect(['MESH', 'NAME', 'AGE'], d.kind).not.toContain(h);
      }
    }
  });

  it('answers scope questions from the descriptors', () => {
    expect(RESOURCE_KIND_NAMES.filter(isGlobalKind)).toEqual(['Mesh', 'GlobalSecret', 'Zone', 'ZoneInsight', 'ZoneIngress']);
  });
});

describe('CRD_KINDS', () => {
  it('holds every stored custom-resource kind in list order, then the Kubernetes-only ones', () => {
    const stored = RESOURCE_KINDS.filter((d) => d.kubernetes.form === 'crd').map((d) => d.kind);
    expect(CRD_KINDS.map((k) => k.kind)).toEqual([...stored, ...KUBERNETES_ONLY_KINDS.map((d) => d.kind)]);
  });

  it('gives CRDs distinct plurals, singulars and short names', () => {
    const names = CRD_KINDS.flatMap((k) => [k.plural, k.singular, ...k.shortNames]);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*$/);
  });

  it('ends every printer-column list with Age and carries the mesh field on mesh-scoped stored kinds only', () => {
    for (const k of CRD_KINDS) {
      expect(k.printerColumns.at(-1)?.name, k.kind).toBe('Age');
      const d = RESOURCE_KINDS.find((r) => r.kind === k.kind);
      expect(k.meshField, k.kind).toBe(d?.scope === 'mesh');
    }
  });

  it('keeps stored kinds with a status cluster-scoped (the Kubernetes status writer patches cluster-scoped objects)', () => {
    for (const k of CRD_KINDS.filter((c) => c.stored && c.status !== undefined)) expect(k.scope, k.kind).toBe('Cluster');
  });
});
