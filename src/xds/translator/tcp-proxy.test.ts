import { describe, expect, it } from 'vitest';
import type * as ir from '../../ir/gateway.js';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { buildTcpProxyFilter, tcpUpstreamsOf } from './tcp-proxy.js';

const forward = (cluster: string, weight: number): ir.Forward => ({ cluster, weight, meshCluster: true });

describe('tcpUpstreamsOf', () => {
  it('drops weight-0 forwards, merges one cluster by adding weights, and sorts by name', () => {
    const forwards = deepFreeze([forward('b', 1), forward('a', 3), forward('c', 0), forward('a', 2)]);
    expect(tcpUpstreamsOf(forwards)).toEqual([
      { cluster: 'a', weight: 5 },
      { cluster: 'b', weight: 1 },
    ]);
  });
});

describe('buildTcpProxyFilter', () => {
  const typed = (f: object | undefined): Record<string, unknown> => (f as { typed_config: Record<string, unknown> }).typed_config;

  it('is absent when no forward carries weight', () => {
    expect(buildTcpProxyFilter('gw', [])).toBeUndefined();
    expect(buildTcpProxyFilter('gw', [forward('a', 0)])).toBeUndefined();
  });

  it('names a single upstream directly, with the sanitised service as stat prefix', () => {
    const filter = buildTcpProxyFilter('edge.gw:1', [forward('a', 0), forward('b', 7)]);
    expect(filter).toMatchObject({ name: 'envoy.filters.network.tcp_proxy' });
    expect(typed(filter)).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      stat_prefix: 'edge_gw_1',
      cluster: 'b',
    });
  });

  it('weights several upstreams', () => {
    expect(typed(buildTcpProxyFilter('gw', [forward('b', 1), forward('a', 2)])).weighted_clusters).toEqual({
      clusters: [
        { name: 'a', weight: 2 },
        { name: 'b', weight: 1 },
      ],
    });
  });
});
