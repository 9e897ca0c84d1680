import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { clusterName, UNRESOLVED_BACKEND } from '../ir/names.js';
import { ClusterRegistry } from './clusters.js';
import { certificateSources } from './certificate-sources.js';
import { CertificateRegistry } from './group-tls.js';
import type { Host } from './hosts.js';
import type { PortContext } from './port-context.js';
import { storedResource } from './testdata/load-case.js';
import { groupForwards } from './translate-tcp-port.js';

function tcpRoute(name: string, rules: { weight?: number; service: string }[][]): StoredResource<'MeshGatewayRoute'> {
  const backends = (rule: { weight?: number; service: string }[]) =>
    rule.map((b) => ({ ...(b.weight === undefined ? {} : { weight: b.weight }), destination: { 'kuma.io/service': b.service } }));
  return storedResource({ type: 'MeshGatewayRoute', name, selectors: [], conf: { tcp: { rules: rules.map((r) => ({ backends: backends(r) })) } } });
}

function context(problems: string[]): PortContext {
  return {
    clusters: new ClusterRegistry(),
    certificates: new CertificateRegistry(certificateSources('default', [], new Map())),
    problem: (route, message) => problems.push(`${route.name}: ${message}`),
    gatewayProblem: (message) => problems.push(message),
    fail: (message) => problems.push(`failed: ${message}`),
    accessLog: () => undefined,
  };
}

const TAGS_A = { 'kuma.io/service': 'gw', l: 'a' };
const TAGS_B = { 'kuma.io/service': 'gw', l: 'b' };
const host = (tags: Record<string, string>, routes: StoredResource<'MeshGatewayRoute'>[]): Host => ({ hostname: '*', tags, routes, implicit: false });

describe('groupForwards (docs/gateway.md §2.14)', () => {
  it('gives one forward per backend of every rule of every host, with effective weights, by cluster name', () => {
    const problems: string[] = [];
    const ctx = context(problems);
    const hosts = [
      host(TAGS_A, [tcpRoute('r1', [[{ weight: 9, service: 'x' }, { weight: 0, service: 'y' }], [{ service: 'z' }]])]),
      host(TAGS_B, [tcpRoute('r2', [[{ weight: 0, service: 'x' }, { weight: 0, service: 'y' }]])]),
    ];
    const name = (service: string, tags: Record<string, string>) => clusterName({ 'kuma.io/service': service }, tags);
    const expected = [
      { cluster: name('x', TAGS_A), weight: 9, meshCluster: true },
      { cluster: name('y', TAGS_A), weight: 0, meshCluster: true },
      { cluster: name('z', TAGS_A), weight: 1, meshCluster: true },
      { cluster: name('x', TAGS_B), weight: 1, meshCluster: true },
      { cluster: name('y', TAGS_B), weight: 1, meshCluster: true },
    ].sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
    expect(groupForwards(hosts, ctx)).toEqual(expected);
    expect(problems).toEqual([]);
    // Weight-0 forwards still have a cluster, registered with the tcp route protocol.
    const clusters = ctx.clusters.clusters(new Map());
    expect(clusters.map((c) => c.name).sort()).toEqual(expected.map((f) => f.cluster).sort());
    expect(new Set(clusters.map((c) => c.protocol))).toEqual(new Set(['tcp']));
  });

  it('keeps forwards naming one cluster from several rules, in rule order', () => {
    const forwards = groupForwards([host(TAGS_A, [tcpRoute('r', [[{ weight: 2, service: 'x' }], [{ weight: 5, service: 'x' }]])])], context([]));
    expect(forwards.map((f) => f.weight)).toEqual([2, 5]);
  });

  it('skips the unresolved backend with a problem on its route', () => {
    const problems: string[] = [];
    const forwards = groupForwards([host(TAGS_A, [tcpRoute('r', [[{ service: UNRESOLVED_BACKEND }, { service: 'x' }]])])], context(problems));
    expect(forwards.map((f) => f.cluster)).toEqual([clusterName({ 'kuma.io/service': 'x' }, TAGS_A)]);
    expect(problems).toEqual([`r: backend ${UNRESOLVED_BACKEND} cannot be reached over TCP; backend skipped`]);
  });

  it('is empty for hosts without routes', () => {
    expect(groupForwards([host(TAGS_A, [])], context([]))).toEqual([]);
  });
});
