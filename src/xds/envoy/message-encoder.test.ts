import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeResourceReference } from '../../../test/support/encode-reference.js';
import { randomMessage, reverseKeys } from '../../../test/support/random-message.js';
import { durationOf } from './duration.js';
import { typeOfUrl } from './encode.js';
import { EncodeProblem, encodeMessage } from './message-encoder.js';
import { anyOf, TYPE_URL, typeUrlOf } from './type-urls.js';

const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const ANY_TYPES = [
  HCM,
  'envoy.extensions.filters.http.router.v3.Router',
  'envoy.extensions.filters.http.fault.v3.HTTPFault',
  'envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
  'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
  'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
  'google.protobuf.Struct',
  'google.protobuf.Duration',
  'google.protobuf.UInt32Value',
];
/** Fields generated whenever the type is, so every case reaches the maps, Anys and Structs. */
const ALWAYS = new Set([
  'envoy.config.route.v3.RouteConfiguration.virtual_hosts',
  'envoy.config.route.v3.RouteConfiguration.typed_per_filter_config',
  'envoy.config.route.v3.VirtualHost.routes',
  'envoy.config.route.v3.VirtualHost.typed_per_filter_config',
  'envoy.config.route.v3.Route.match',
  'envoy.config.route.v3.Route.route',
  'envoy.config.route.v3.Route.metadata',
  'envoy.config.route.v3.Route.typed_per_filter_config',
  'envoy.config.route.v3.RouteAction.weighted_clusters',
  'envoy.config.route.v3.WeightedCluster.clusters',
  'envoy.config.core.v3.Metadata.filter_metadata',
  'envoy.config.core.v3.Metadata.typed_filter_metadata',
  'google.protobuf.Struct.fields',
  'envoy.config.listener.v3.Listener.filter_chains',
  'envoy.config.listener.v3.Listener.address',
  'envoy.config.listener.v3.FilterChain.filters',
  'envoy.config.listener.v3.FilterChain.transport_socket',
  'envoy.config.listener.v3.Filter.typed_config',
  `${HCM}.http_filters`,
  `${HCM}.route_config`,
  'envoy.config.cluster.v3.Cluster.typed_extension_protocol_options',
  'envoy.config.cluster.v3.Cluster.metadata',
  'envoy.config.cluster.v3.Cluster.load_assignment',
  'envoy.extensions.transport_sockets.tls.v3.Secret.tls_certificate',
  'envoy.extensions.transport_sockets.tls.v3.TlsCertificate.certificate_chain',
]);

function encodeDirect(typeUrl: string, object: unknown): Buffer {
  return encodeMessage(typeOfUrl(typeUrl), object);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function problemOf(typeUrl: string, object: unknown): string {
  try {
    encodeDirect(typeUrl, object);
  } catch (error) {
    if (error instanceof EncodeProblem) return `${error.path}: ${error.message}`;
    throw error;
  }
  return 'no problem';
}

describe('encodeMessage matches protobufjs fromObject + encode on random messages', () => {
  const types = [TYPE_URL.cluster, TYPE_URL.listener, TYPE_URL.routeConfiguration, TYPE_URL.secret, TYPE_URL.clusterLoadAssignment, TYPE_URL.runtime];
  for (const typeUrl of types) {
    it(typeUrl.slice(typeUrl.lastIndexOf('.') + 1), () => {
      const type = typeOfUrl(typeUrl);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
          const object = randomMessage(type, seed, { anyTypes: ANY_TYPES, alwaysFields: ALWAYS });
          const expected = hex(encodeResourceReference(typeUrl, object));
          expect(hex(encodeDirect(typeUrl, object)), `seed ${seed}`).toBe(expected);
          expect(hex(encodeDirect(typeUrl, reverseKeys(object))), `seed ${seed}, keys reversed`).toBe(expected);
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('encodeMessage wire details', () => {
  it('writes fields in field-number order and present default values', () => {
    // Cluster: name = 1, type = 2 (enum), connect_timeout = 4; declared in another order.
    const bytes = encodeDirect(TYPE_URL.cluster, { connect_timeout: durationOf(0), type: 'STATIC', name: '' });
    expect(hex(bytes)).toBe('0a00' + '1000' + '2204' + '0800' + '1000');
    expect(hex(bytes)).toBe(hex(encodeResourceReference(TYPE_URL.cluster, { connect_timeout: durationOf(0), type: 'STATIC', name: '' })));
  });

  it('writes a negative int32 as a 10-byte varint and 64-bit values from numbers or strings', () => {
    const duration = (seconds: number | string) => encodeDirect(TYPE_URL.cluster, { connect_timeout: { seconds, nanos: -1 } });
    expect(hex(duration(-2))).toBe('2216' + '08' + 'feffffffffffffffff01' + '10' + 'ffffffffffffffffff01');
    expect(hex(duration('-2'))).toBe(hex(duration(-2)));
    expect(hex(duration('9223372036854775807'))).toBe(hex(encodeResourceReference(TYPE_URL.cluster, { connect_timeout: { seconds: '9223372036854775807', nanos: -1 } })));
  });

  it('sorts map entries like canonicalise: integer-like keys first, numerically', () => {
    const layer = (keys: string[]) => ({ name: 'r', layer: { fields: Object.fromEntries(keys.map((k) => [k, { boolValue: true }])) } });
    const direct = encodeDirect(TYPE_URL.runtime, layer(['b', '10', 'a', '2', '01']));
    expect(hex(direct)).toBe(hex(encodeResourceReference(TYPE_URL.runtime, layer(['01', 'a', '2', 'b', '10']))));
    expect(hex(direct)).toBe(hex(encodeDirect(TYPE_URL.runtime, layer(['a', '01', 'b', '2', '10']))));
  });

  it('moves content up when a length needs more than one byte', () => {
    for (const n of [126, 127, 128, 16383, 16384, 2_100_000]) {
      const route = { name: 'x'.repeat(n), virtual_hosts: [{ name: 'v', domains: ['d'.repeat(n)] }] };
      expect(hex(encodeDirect(TYPE_URL.routeConfiguration, route))).toBe(hex(encodeResourceReference(TYPE_URL.routeConfiguration, route)));
    }
  });

  it('packs an Any with @type in place and accepts {type_url, value}', () => {
    const packed = anyOf('envoy.extensions.filters.http.router.v3.Router', { suppress_envoy_headers: true });
    const listener = { name: 'l', filter_chains: [{ filters: [{ name: 'f', typed_config: packed }] }] };
    const bytes = encodeDirect(TYPE_URL.listener, listener);
    expect(hex(bytes)).toBe(hex(encodeResourceReference(TYPE_URL.listener, listener)));
    const value = encodeDirect(typeUrlOf('envoy.extensions.filters.http.router.v3.Router'), { suppress_envoy_headers: true });
    const explicit = { name: 'l', filter_chains: [{ filters: [{ name: 'f', typed_config: { type_url: packed['@type'], value } }] }] };
    expect(hex(encodeDirect(TYPE_URL.listener, explicit))).toBe(hex(bytes));
    expect(hex(encodeDirect(TYPE_URL.listener, { ...explicit, filter_chains: [{ filters: [{ name: 'f', typed_config: { type_url: packed['@type'], value: value.toString('base64') } }] }] }))).toBe(hex(bytes));
  });

  it('skips null and undefined fields, as fromObject does', () => {
    expect(hex(encodeDirect(TYPE_URL.cluster, { name: 'c', type: undefined, metadata: null }))).toBe(hex(encodeDirect(TYPE_URL.cluster, { name: 'c' })));
  });
});

describe('encodeMessage writes a frozen message once per encode and copies it where it repeats', () => {
  const route = (action: object) => ({
    name: 'r',
    virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/a/' }, route: action }, { match: { path: '/a' }, route: action }] }],
  });
  const action = (cluster: string) => ({ weighted_clusters: { clusters: [{ name: cluster, weight: { value: 1 }, request_headers_to_add: [{ header: { key: 'k', value: 'v' } }] }] } });

  it('gives the bytes of writing each use again, short and long (multi-byte length) bodies alike', () => {
    for (const cluster of ['c', 'c'.repeat(300)]) {
      const expected = hex(encodeResourceReference(TYPE_URL.routeConfiguration, route(action(cluster))));
      expect(hex(encodeDirect(TYPE_URL.routeConfiguration, route(Object.freeze(action(cluster)))))).toBe(expected);
      // And again: nothing of the previous encode is reused.
      expect(hex(encodeDirect(TYPE_URL.routeConfiguration, route(Object.freeze(action(cluster)))))).toBe(expected);
    }
  });

  it('writes one frozen object as the type of each field it appears in', () => {
    const five = Object.freeze({ value: 5 });
    // UInt32Value (a varint) and Percent (a double): same object, different bytes.
    const cluster = { name: 'c', per_connection_buffer_limit_bytes: five, common_lb_config: { healthy_panic_threshold: five } };
    expect(hex(encodeDirect(TYPE_URL.cluster, cluster))).toBe(hex(encodeResourceReference(TYPE_URL.cluster, cluster)));
    expect(hex(encodeDirect(TYPE_URL.cluster, { ...cluster, common_lb_config: { healthy_panic_threshold: { value: 5 } } }))).toBe(
      hex(encodeDirect(TYPE_URL.cluster, cluster)),
    );
  });

  it('still stops at the nesting limit when a frozen message is reused deeper than first written', () => {
    // A Value 10 levels high, first written near the top, then again below 45 Struct levels.
    const chain = (levels: number, leaf: object): object => (levels === 0 ? leaf : { structValue: { fields: { x: chain(levels - 1, leaf) } } });
    const shared = Object.freeze(chain(5, { boolValue: true }));
    const layer = (value: object) => ({ layer: { fields: { a: value, b: chain(45, value) } } });
    expect(problemOf(TYPE_URL.runtime, layer(shared))).toMatch(/maximum nesting depth exceeded$/);
    expect(problemOf(TYPE_URL.runtime, layer(shared))).toBe(problemOf(TYPE_URL.runtime, layer(chain(5, { boolValue: true }))));
    const shallow = { layer: { fields: { a: shared, b: chain(2, shared) } } };
    expect(hex(encodeDirect(TYPE_URL.runtime, shallow))).toBe(hex(encodeResourceReference(TYPE_URL.runtime, shallow)));
  });
});

describe('encodeMessage refuses what it cannot encode faithfully, with the field path', () => {
  const route = (match: object) => ({ name: 'r', virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ name: 'a', match: { prefix: '/' } }, { name: 'b', match }] }] });

  it.each([
    ['unknown field', TYPE_URL.routeConfiguration, route({ prefx: '/' }), 'virtual_hosts[0].routes[1].match.prefx: unknown field of envoy.config.route.v3.RouteMatch'],
    ['wrong scalar kind', TYPE_URL.routeConfiguration, route({ prefix: 7 }), 'virtual_hosts[0].routes[1].match.prefix: expected a string, got 7'],
    ['oneof conflict', TYPE_URL.routeConfiguration, route({ prefix: '/', path: '/x' }), 'virtual_hosts[0].routes[1].match.path: oneof member prefix is already set'],
    ['unknown enum name', TYPE_URL.cluster, { type: 'EDSS' }, 'type: "EDSS" is not a value of enum envoy.config.cluster.v3.Cluster.DiscoveryType'],
    ['enum name as numeric string', TYPE_URL.cluster, { type: '3' }, 'type: "3" is not a value of enum envoy.config.cluster.v3.Cluster.DiscoveryType'],
    ['uint32 out of range', TYPE_URL.listener, { per_connection_buffer_limit_bytes: { value: -1 } }, 'per_connection_buffer_limit_bytes.value: expected a uint32, got -1'],
    ['bare value for a wrapper', TYPE_URL.listener, { per_connection_buffer_limit_bytes: 5 }, 'per_connection_buffer_limit_bytes: expected an object of google.protobuf.UInt32Value, got 5'],
    ['fractional int64', TYPE_URL.cluster, { connect_timeout: { seconds: 1.5 } }, 'connect_timeout.seconds: expected an int64 (integral number or decimal string), got 1.5'],
    ['int64 out of range', TYPE_URL.cluster, { connect_timeout: { seconds: '9223372036854775808' } }, 'connect_timeout.seconds: expected an int64 (integral number or decimal string), got "9223372036854775808"'],
    ['repeated without array', TYPE_URL.cluster, { health_checks: {} }, 'health_checks: repeated field needs an array, got {}'],
    ['map without object', TYPE_URL.cluster, { typed_extension_protocol_options: [] }, 'typed_extension_protocol_options: map field needs an object, got an array'],
    ['null map value', TYPE_URL.cluster, { metadata: { filter_metadata: { a: null } } }, 'metadata.filter_metadata[a]: map value is null'],
    ['unknown @type', TYPE_URL.cluster, { typed_extension_protocol_options: { k: { '@type': 'type.googleapis.com/no.such.Type' } } }, 'typed_extension_protocol_options[k].@type: unknown message type type.googleapis.com/no.such.Type'],
    ['unknown field inside an Any', TYPE_URL.cluster, { typed_extension_protocol_options: { k: anyOf('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', { nope: 1 }) } }, 'typed_extension_protocol_options[k].nope: unknown field of envoy.extensions.upstreams.http.v3.HttpProtocolOptions'],
    ['bad base64', TYPE_URL.secret, { generic_secret: { secret: { inline_bytes: 'not base64!' } } }, 'generic_secret.secret.inline_bytes: expected bytes (Uint8Array or base64 string), got "not base64!"'],
    ['not an object', TYPE_URL.cluster, 'c', ': expected an object of envoy.config.cluster.v3.Cluster, got "c"'],
  ])('%s', (_what, typeUrl, object, expected) => {
    expect(problemOf(typeUrl, object)).toBe(expected);
  });

  it('stops at the nesting limit instead of overflowing the stack on a cycle', () => {
    const value: Record<string, unknown> = {};
    value.structValue = { fields: { a: value } };
    expect(problemOf(TYPE_URL.runtime, { layer: { fields: { a: value } } })).toMatch(/maximum nesting depth exceeded$/);
  });

  it('refuses a present proto2 required field, but encodes its type without it', () => {
    const type = typeOfUrl('google.protobuf.UninterpretedOption');
    expect(hex(encodeMessage(type, { identifier_value: 'x' }))).toBe('1a0178');
    expect(() => encodeMessage(type, { name: [{ name_part: 'a', is_extension: false }] })).toThrow('required and group fields are not supported');
  });

  it('can encode again after a failure', () => {
    expect(problemOf(TYPE_URL.cluster, { name: 'c', type: 'NOPE' })).toMatch(/^type:/);
    expect(hex(encodeDirect(TYPE_URL.cluster, { name: 'c' }))).toBe('0a0163');
  });
});
