import { describe, expect, it } from 'vitest';
import { formatAge, formatTable } from './output.js';

const NOW = new Date('2024-05-01T12:00:00.000Z');

describe('formatAge', () => {
  it('uses seconds, minutes, hours then days', () => {
    expect(formatAge('2024-05-01T11:59:30.000Z', NOW)).toBe('30s');
    expect(formatAge('2024-05-01T11:30:00.000Z', NOW)).toBe('30m');
    expect(formatAge('2024-04-30T12:00:00.000Z', NOW)).toBe('24h');
    expect(formatAge('2024-04-21T12:00:00.000Z', NOW)).toBe('10d');
    expect(formatAge(undefined, NOW)).toBe('-');
  });
});

describe('formatTable', () => {
  it('aligns columns and shows gateway listeners and route types', () => {
    const gw = {
      type: 'MeshGateway',
      mesh: 'default',
      name: 'edge',
      creationTime: '2024-05-01T11:59:00.000Z',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { listeners: [{ port: 80, protocol: 'HTTP' }, { port: 443, protocol: 'HTTPS' }] },
    };
    expect(formatTable('MeshGateway', [gw], NOW)).toBe(
      'MESH      NAME   SERVICE   LISTENERS           AGE\n' + 'default   edge   edge      HTTP:80,HTTPS:443   60s\n',
    );
    const route = { mesh: 'default', name: 'r', selectors: [], conf: { tcp: { rules: [] } } };
    expect(formatTable('MeshGatewayRoute', [route], NOW).split('\n')[1]?.split(/\s+/)).toEqual(['default', 'r', '-', 'TCP', '-']);
  });

  it('shows a TrafficPermission as Kuma does: mesh, name and age', () => {
    const tp = { type: 'TrafficPermission', mesh: 'default', name: 'allow-all-default', creationTime: '2024-05-01T11:59:00.000Z', sources: [], destinations: [] };
    expect(formatTable('TrafficPermission', [tp], NOW)).toBe('MESH      NAME                AGE\n' + 'default   allow-all-default   60s\n');
  });

  it('prints only the header for an empty list', () => {
    expect(formatTable('Mesh', [], NOW)).toBe('NAME   MTLS   AGE\n');
  });
});
