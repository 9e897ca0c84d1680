// The protobuf JSON mapping read into fromObject form (proto-json.ts) and the patch merge
// (proto-merge.ts): what a ProxyTemplate value may say, and that the result encodes.
import { describe, expect, it } from 'vitest';
import { encodeResource } from './encode.js';
import { fromProtoJson } from './proto-json.js';
import { mergeMessage } from './proto-merge.js';
import { TYPE_URL } from './type-urls.js';
import { verifyResource } from './verify.js';

const CLUSTER = 'envoy.config.cluster.v3.Cluster';

function decoded(typeName: string, json: unknown): Record<string, unknown> {
  const r = fromProtoJson(typeName, json);
  if (!r.ok) throw new Error(`${r.path}: ${r.message}`);
  return r.value;
}

describe('fromProtoJson', () => {
  it('reads JSON and proto names, durations, wrappers, enums, 64-bit integers, maps, Struct and Any', () => {
    const cluster = decoded(CLUSTER, {
      name: 'c',
      connectTimeout: '1.5s',
      type: 'STATIC',
      lb_policy: 2,
      perConnectionBufferLimitBytes: 1024,
      circuitBreakers: { thresholds: [{ maxConnections: '7', priority: 'HIGH' }] },
      metadata: { filterMetadata: { team: { owner: 'a', n: 1, on: true, none: null, list: [1, 'x'] } } },
      typedExtensionProtocolOptions: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          commonHttpProtocolOptions: { idleTimeout: '3600s', maxRequestsPerConnection: 10 },
          explicitHttpConfig: { http2ProtocolOptions: {} },
        },
      },
      outlierDetection: { consecutive_5xx: 3, interval: '0.000000001s' },
      lbSubsetConfig: { subsetSelectors: [{ keys: ['a'] }] },
    });
    expect(cluster).toEqual({
      name: 'c',
      connect_timeout: { seconds: 1, nanos: 500000000 },
      type: 'STATIC',
      lb_policy: 'RING_HASH',
      per_connection_buffer_limit_bytes: { value: 1024 },
      circuit_breakers: { thresholds: [{ max_connections: { value: 7 }, priority: 'HIGH' }] },
      metadata: {
        filter_metadata: {
          team: {
            fields: {
              owner: { stringValue: 'a' },
              n: { numberValue: 1 },
              on: { boolValue: true },
              none: { nullValue: 'NULL_VALUE' },
              list: { listValue: { values: [{ numberValue: 1 }, { stringValue: 'x' }] } },
            },
          },
        },
      },
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          common_http_protocol_options: { idle_timeout: { seconds: 3600, nanos: 0 }, max_requests_per_connection: { value: 10 } },
          explicit_http_config: { http2_protocol_options: {} },
        },
      },
      outlier_detection: { consecutive_5xx: { value: 3 }, interval: { seconds: 0, nanos: 1 } },
      lb_subset_config: { subset_selectors: [{ keys: ['a'] }] },
    });
    expect(verifyResource(TYPE_URL.cluster, cluster)).toEqual([]);
    expect(encodeResource(TYPE_URL.cluster, cluster).byteLength).toBeGreaterThan(0);
  });

  it('reads a well-known type packed in an Any from its "value"', () => {
    const filter = decoded('envoy.config.listener.v3.Filter', { name: 'f', typedConfig: { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2s' } });
    expect(filter).toEqual({ name: 'f', typed_config: { '@type': 'type.googleapis.com/google.protobuf.Duration', seconds: 2, nanos: 0 } });
  });

  it('leaves out null fields, as the JSON mapping does', () => {
    expect(decoded(CLUSTER, { name: 'c', connectTimeout: null })).toEqual({ name: 'c' });
  });

  it.each<[string, unknown, string, string]>([
    ['an unknown field', { conectTimeout: '1s' }, 'conectTimeout', 'unknown field "conectTimeout" of envoy.config.cluster.v3.Cluster'],
    ['a field given twice', { connectTimeout: '1s', connect_timeout: '2s' }, 'connect_timeout', 'field "connect_timeout" is set twice'],
    ['two members of a oneof', { type: 'STATIC', clusterType: { name: 'x' } }, 'clusterType', 'oneof cluster_discovery_type is already set by type'],
    ['a duration without unit', { connectTimeout: '5' }, 'connectTimeout', 'invalid google.protobuf.Duration value "5": expected seconds with an "s" suffix, like "5s" or "0.25s"'],
    ['an unknown enum name', { type: 'DYNAMIC' }, 'type', 'invalid value for enum envoy.config.cluster.v3.Cluster.DiscoveryType: "DYNAMIC"'],
    ['a uint32 out of range', { perConnectionBufferLimitBytes: 4294967296 }, 'perConnectionBufferLimitBytes', 'value 4294967296 out of range for uint32 field'],
    ['a string for a bool', { respectDnsTtl: 'yes' }, 'respectDnsTtl', 'invalid value for bool field: "yes"'],
    ['a list for a message', { circuitBreakers: [] }, 'circuitBreakers', 'expected an object of envoy.config.cluster.v3.CircuitBreakers, got a list'],
    ['an Any without @type', { transportSocket: { name: 't', typedConfig: { sni: 'x' } } }, 'transportSocket.typedConfig.@type', 'an Any needs "@type"'],
    ['a bad @type prefix', { transportSocket: { name: 't', typedConfig: { '@type': 'example.com/x.Y' } } }, 'transportSocket.typedConfig.@type', '"@type" must start with type.googleapis.com/, got "example.com/x.Y"'],
  ])('rejects %s with its path', (_name, json, path, message) => {
    expect(fromProtoJson(CLUSTER, json)).toEqual({ ok: false, path, message });
  });
});

describe('mergeMessage', () => {
  const target = Object.freeze({
    name: 'c',
    connect_timeout: Object.freeze({ seconds: 0, nanos: 250000000 }),
    type: 'EDS',
    circuit_breakers: Object.freeze({ thresholds: Object.freeze([Object.freeze({ max_connections: { value: 1 } })]) }),
    metadata: { filter_metadata: { a: { fields: { x: { stringValue: '1' } } } } },
  });

  it('replaces scalars and durations, merges messages, appends lists, replaces map entries', () => {
    const merged = mergeMessage(CLUSTER, target, {
      connect_timeout: { seconds: 5, nanos: 0 },
      circuit_breakers: { thresholds: [{ max_connections: { value: 2 } }] },
      metadata: { filter_metadata: { a: { fields: { y: { stringValue: '2' } } }, b: { fields: {} } } },
      respect_dns_ttl: true,
    });
    expect(merged).toEqual({
      name: 'c',
      connect_timeout: { seconds: 5, nanos: 0 },
      type: 'EDS',
      circuit_breakers: { thresholds: [{ max_connections: { value: 1 } }, { max_connections: { value: 2 } }] },
      metadata: { filter_metadata: { a: { fields: { y: { stringValue: '2' } } }, b: { fields: {} } } },
      respect_dns_ttl: true,
    });
  });

  it('clears the other members of a oneof the patch sets', () => {
    expect(mergeMessage(CLUSTER, target, { cluster_type: { name: 'x' } })).not.toHaveProperty('type');
  });

  it('merges an Any of the same type field by field, and replaces one of another type', () => {
    const hcm = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
    const filter = { name: 'f', typed_config: { '@type': hcm, stat_prefix: 'p', stream_idle_timeout: { seconds: 1, nanos: 0 } } };
    expect(mergeMessage('envoy.config.listener.v3.Filter', filter, { typed_config: { '@type': hcm, stream_idle_timeout: { seconds: 15, nanos: 0 } } })).toEqual({
      name: 'f',
      typed_config: { '@type': hcm, stat_prefix: 'p', stream_idle_timeout: { seconds: 15, nanos: 0 } },
    });
    const other = { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: 't' };
    expect(mergeMessage('envoy.config.listener.v3.Filter', filter, { typed_config: other })).toEqual({ name: 'f', typed_config: other });
  });
});
