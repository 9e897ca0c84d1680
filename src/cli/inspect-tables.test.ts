import { describe, expect, it } from 'vitest';
import {
  ackedCell,
  certExpiryCell,
  conditionCell,
  connectedCell,
  formatDataplanePolicies,
  formatDataplanes,
  formatGateways,
  formatMeshes,
  formatRoutes,
  lastNackCell,
} from './inspect-tables.js';

const NOW = new Date('2024-05-01T12:00:00.000Z');

function overview(name: string, sub?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    type: 'DataplaneOverview',
    mesh: 'default',
    name,
    dataplane: { networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge' } } } },
    dataplaneInsight: { subscriptions: sub ? [sub] : [], ...extra },
  };
}

const SYNCED = { connected: true, status: { total: {}, cds: { sentVersion: 'c1', acknowledgedVersion: 'c1' }, lds: { sentVersion: 'l1', acknowledgedVersion: 'l1' } } };
const NACK = { type: 'RouteConfiguration', version: 'r2', message: "Error adding/updating route config: invalid regex '/(?=a)b': invalid perl operator: (?=", time: '2024-05-01T11:59:00.000Z' };
const REJECTING = {
  connected: false,
  status: { total: {}, cds: { sentVersion: 'c2', acknowledgedVersion: 'c1' }, rds: { sentVersion: 'r2', acknowledgedVersion: 'r1', lastNack: NACK } },
};

describe('dataplane cells', () => {
  it('say yes/no for connected, and - without a record of the proxy', () => {
    expect(connectedCell(overview('a', SYNCED))).toBe('yes');
    expect(connectedCell(overview('b', REJECTING))).toBe('no');
    expect(connectedCell(overview('c'))).toBe('-');
  });

  it('say in sync, or which types are rejected and pending', () => {
    expect(ackedCell(overview('a', SYNCED))).toBe('in sync');
    expect(ackedCell(overview('b', REJECTING))).toBe('rejected (rds), pending (cds)');
    expect(ackedCell(overview('c'))).toBe('-');
    expect(ackedCell(overview('d', { connected: true, status: { total: {} } }))).toBe('nothing sent');
  });

  it('show the last NACK with a shortened reason', () => {
    expect(lastNackCell(overview('b', REJECTING))).toBe("RouteConfiguration: Error adding/updating route config: invalid regex '/(?=a)...");
    expect(lastNackCell(overview('a', SYNCED))).toBe('-');
  });

  it('show when the certificate expires', () => {
    expect(certExpiryCell(overview('a', SYNCED, { mTLS: { certificateExpirationTime: '2024-05-02T11:00:00.000Z' } }), NOW)).toBe('in 23h');
    expect(certExpiryCell(overview('a', SYNCED, { mTLS: { certificateExpirationTime: '2024-05-01T11:00:00.000Z' } }), NOW)).toBe('expired');
    expect(certExpiryCell(overview('a', SYNCED), NOW)).toBe('-');
  });
});

describe('inspect tables', () => {
  it('dataplanes: CERT EXPIRY only when some proxy holds a certificate', () => {
    expect(formatDataplanes([overview('gw-1', SYNCED), overview('gw-2')], NOW)).toBe(
      'MESH      NAME   TYPE              CONNECTED   ACKED VERSION   LAST NACK\n' +
        'default   gw-1   gateway/builtin   yes         in sync         -\n' +
        'default   gw-2   gateway/builtin   -           -               -\n',
    );
    const withCert = formatDataplanes([overview('gw-1', SYNCED, { mTLS: { certificateExpirationTime: '2024-05-01T13:00:00.000Z' } })], NOW);
    expect(withCert.split('\n')[0]).toMatch(/LAST NACK +CERT EXPIRY$/);
    expect(withCert.split('\n')[1]).toMatch(/ in 60m$/);
  });

  it('meshes: online/total Dataplanes, the CA backend, services and policies', () => {
    const insight = {
      name: 'default',
      dataplanes: { total: 3, online: 1, offline: 1, partiallyDegraded: 1 },
      policies: { Timeout: { total: 2 }, Retry: { total: 1 } },
      services: { total: 4 },
      mTLS: { enabledBackend: 'ca-1', issuedBackends: {} },
    };
    expect(formatMeshes([insight, { name: 'plain', dataplanes: { total: 0, online: 0 }, policies: {}, services: { total: 0 }, mTLS: {} }])).toBe(
      'NAME      DATAPLANES (ONLINE/TOTAL)   MTLS   SERVICES   POLICIES\n' + 'default   1/3 (1 degraded)            ca-1   4          3\n' + 'plain     0/0                         off    0          0\n',
    );
  });

  it('gateways and routes: conditions as True or False (reason), proxies counted', () => {
    const conditions = [
      { type: 'Accepted', status: 'True', reason: 'Accepted' },
      { type: 'Programmed', status: 'False', reason: 'Pending' },
    ];
    const gateway = {
      mesh: 'default',
      name: 'edge',
      status: { conditions },
      dataplanes: [
        { name: 'gw-1', connected: true, acknowledged: true },
        { name: 'gw-2', connected: true, acknowledged: false },
        { name: 'gw-3', connected: false, acknowledged: false },
      ],
    };
    expect(formatGateways([gateway, { mesh: 'default', name: 'far', dataplanes: [] }])).toBe(
      'MESH      NAME   ACCEPTED   PROGRAMMED        PROXIES   CONNECTED   ACKED\n' + 'default   edge   True       False (Pending)   3         2           1\n' + 'default   far    -          -                 0         0           0\n',
    );
    const route = { mesh: 'default', name: 'api', status: { conditions: [{ type: 'Accepted', status: 'False', reason: 'NotBound' }] }, gateways: [] };
    expect(formatRoutes([route, { mesh: 'default', name: 'web', status: { conditions }, gateways: ['edge', 'internal'] }]).split('\n').map((l) => l.split(/ {2,}/))).toEqual([
      ['MESH', 'NAME', 'ACCEPTED', 'RESOLVED REFS', 'PROGRAMMED', 'GATEWAYS'],
      ['default', 'api', 'False (NotBound)', '-', '-', '-'],
      ['default', 'web', 'True', '-', 'False (Pending)', 'edge,internal'],
      [''],
    ]);
    expect(conditionCell(undefined, 'Accepted')).toBe('-');
  });

  it("a dataplane's policies: the gateway, its routes, and one line per place", () => {
    const body = {
      kind: 'MeshGatewayDataplane',
      dataplane: { mesh: 'default', name: 'gw-1' },
      gateway: { mesh: 'default', name: 'edge' },
      routes: [{ mesh: 'default', name: 'api', listeners: ['edge:HTTP:8080'] }],
      items: [
        {
          type: 'cluster',
          name: 'shop-a',
          matchedPolicies: { Timeout: [{ type: 'Timeout', mesh: 'default', name: 'edge-to-shop' }], Retry: [{ type: 'Retry', mesh: 'default', name: 'retry-all' }] },
          lostPolicies: { Timeout: [{ type: 'Timeout', mesh: 'default', name: 'timeout-all', winner: 'edge-to-shop' }] },
        },
        { type: 'route', name: 'edge:HTTP:8080:* * prefix /', matchedPolicies: {} },
      ],
    };
    expect(formatDataplanePolicies(body)).toBe(
      'MeshGatewayDataplane "gw-1" in mesh "default"\n' +
        'gateway: edge\n' +
        'routes: api (edge:HTTP:8080)\n' +
        'PLACE                               APPLIED                                 LOST\n' +
        'cluster shop-a                      Timeout edge-to-shop, Retry retry-all   Timeout timeout-all (lost to edge-to-shop)\n' +
        'route edge:HTTP:8080:* * prefix /   -                                       -\n',
    );
    expect(formatDataplanePolicies({ kind: 'SidecarDataplane', dataplane: { mesh: 'default', name: 'web-1' }, items: [] })).toBe(
      'SidecarDataplane "web-1" in mesh "default"\nno connection policy applies to this proxy\n',
    );
  });
});
