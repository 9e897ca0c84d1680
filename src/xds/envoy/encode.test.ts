import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { durationOf, durationOfMillis } from './duration.js';
import { canonicalise, decodeResource, encodeResource, typeOfUrl } from './encode.js';
import { anyOf, TYPE_URL, typeNameOf, typeUrlOf } from './type-urls.js';
import { findInvalidFields, verifyResource } from './verify.js';

const STRUCT_RUNTIME_A = { name: 'gateway.listeners', layer: { fields: { b: { numberValue: 2 }, a: { numberValue: 1 } } } };
const STRUCT_RUNTIME_B = { name: 'gateway.listeners', layer: { fields: { a: { numberValue: 1 }, b: { numberValue: 2 } } } };

function cluster(options: Record<string, object>): object {
  return { name: 'c', type: 'EDS', typed_extension_protocol_options: options };
}

describe('type URLs', () => {
  it('packs an Any with @type first and splits type URLs', () => {
    expect(Object.keys(anyOf('envoy.extensions.filters.http.router.v3.Router', { a: 1 }))).toEqual(['@type', 'a']);
    expect(typeUrlOf('x.y.Z')).toBe('type.googleapis.com/x.y.Z');
    expect(typeNameOf(TYPE_URL.cluster)).toBe('envoy.config.cluster.v3.Cluster');
    expect(typeNameOf('x.y.Z')).toBe('x.y.Z');
  });
});

describe('durations', () => {
  it('always has seconds and nanos, fractions exact to the nanosecond', () => {
    expect(durationOf(5)).toEqual({ seconds: 5, nanos: 0 });
    expect(durationOf(0.5)).toEqual({ seconds: 0, nanos: 500_000_000 });
    expect(durationOf(0)).toEqual({ seconds: 0, nanos: 0 });
    expect(durationOf(1.9999999999)).toEqual({ seconds: 2, nanos: 0 });
    expect(durationOfMillis(1_250)).toEqual({ seconds: 1, nanos: 250_000_000 });
    expect(() => durationOf(-1)).toThrow(/invalid duration/);
    expect(() => durationOf(Number.NaN)).toThrow(/invalid duration/);
  });
});

describe('encodeResource', () => {
  it('encodes Struct map entries independently of insertion order', () => {
    const a = encodeResource(TYPE_URL.runtime, deepFreeze(STRUCT_RUNTIME_A));
    const b = encodeResource(TYPE_URL.runtime, deepFreeze(STRUCT_RUNTIME_B));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    // Without canonicalisation protobufjs writes map entries in insertion order: the bytes differ.
    const type = typeOfUrl(TYPE_URL.runtime);
    const raw = (o: object) => Buffer.from(type.encode(type.fromObject(o)).finish());
    expect(raw(STRUCT_RUNTIME_A).equals(raw(STRUCT_RUNTIME_B))).toBe(false);
  });

  it('canonicalises maps inside an Any inside a map', () => {
    const inner = (fields: Record<string, unknown>) => anyOf('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', fields);
    const x = cluster({ z: inner({}), a: inner({ common_http_protocol_options: { idle_timeout: durationOf(1) } }) });
    const y = cluster({ a: inner({ common_http_protocol_options: { idle_timeout: durationOf(1) } }), z: inner({}) });
    expect(Buffer.from(encodeResource(TYPE_URL.cluster, x)).equals(Buffer.from(encodeResource(TYPE_URL.cluster, y)))).toBe(true);
  });

  it('sorts object keys recursively but keeps array order, without touching the input', () => {
    const input = deepFreeze({ b: [{ d: 1, c: 2 }, 3], a: 'x' });
    const out = canonicalise(input);
    expect(JSON.stringify(out)).toBe('{"a":"x","b":[{"c":2,"d":1},3]}');
  });

  it('decodes to proto names with Any unpacked, enums as names and int64 as strings', () => {
    const bytes = encodeResource(TYPE_URL.cluster, {
      name: 'c',
      type: 'EDS',
      connect_timeout: durationOf(5),
      typed_extension_protocol_options: { k: anyOf('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', {}) },
    });
    expect(decodeResource(TYPE_URL.cluster, bytes)).toEqual({
      name: 'c',
      type: 'EDS',
      connect_timeout: { seconds: '5', nanos: 0 },
      typed_extension_protocol_options: { k: { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions' } },
    });
  });

  it('names the type URL and the field path when a value cannot be encoded', () => {
    expect(() => encodeResource(TYPE_URL.cluster, { per_connection_buffer_limit_bytes: 5 })).toThrow(
      'encode type.googleapis.com/envoy.config.cluster.v3.Cluster at per_connection_buffer_limit_bytes: expected an object of google.protobuf.UInt32Value, got 5',
    );
    expect(() => encodeResource(TYPE_URL.cluster, { name: 'c', typo: 1 })).toThrow(/^encode type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster at typo: unknown field/);
  });
});

describe('findInvalidFields', () => {
  it('accepts a clean resource', () => {
    expect(findInvalidFields(TYPE_URL.runtime, STRUCT_RUNTIME_A)).toEqual([]);
  });

  it('reports what fromObject would silently drop or coerce', () => {
    const problems = findInvalidFields(TYPE_URL.cluster, {
      name: 7,
      typo_field: true,
      type: 'EDSS',
      lb_policy: undefined,
      connect_timeout: { seconds: 1.5 },
      per_connection_buffer_limit_bytes: { value: -1 },
      health_checks: {},
      typed_extension_protocol_options: {
        a: { '@type': 'type.googleapis.com/no.such.Type' },
        b: { type_url: 'x' },
        c: anyOf('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', { explicit_http_config: { http_protocol_options: {}, http2_protocol_options: {} }, nope: 1 }),
      },
    });
    expect(problems).toEqual([
      'name: expected a string, got 7',
      'typo_field: unknown field of envoy.config.cluster.v3.Cluster',
      'type: "EDSS" is not a value of enum envoy.config.cluster.v3.Cluster.DiscoveryType',
      'lb_policy: is undefined; leave the key out instead',
      'connect_timeout.seconds: expected an int64, got 1.5',
      'per_connection_buffer_limit_bytes.value: expected a uint32, got -1',
      'health_checks: repeated field needs an array',
      'typed_extension_protocol_options[a]: unknown message type type.googleapis.com/no.such.Type',
      'typed_extension_protocol_options[b]: an Any needs "@type: type.googleapis.com/<message>"',
      'typed_extension_protocol_options[c].explicit_http_config.http2_protocol_options: oneof protocol_config is already set by http_protocol_options',
      'typed_extension_protocol_options[c].nope: unknown field of envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
    ]);
  });

  it('rejects a bare number where a wrapper message is expected', () => {
    expect(findInvalidFields(TYPE_URL.listener, { per_connection_buffer_limit_bytes: 32768 })).toEqual([
      'per_connection_buffer_limit_bytes: expected an object of google.protobuf.UInt32Value',
    ]);
  });
});

describe('verifyResource', () => {
  it('passes a resource that round-trips, explicit false and empty messages included', () => {
    const route = {
      name: 'r',
      virtual_hosts: [{ name: 'h', domains: ['h'], routes: [{ match: { prefix: '/', headers: [{ name: 'x', present_match: false }] }, direct_response: { status: 404 } }] }],
      request_headers_to_remove: [],
      validate_clusters: { value: false },
    };
    expect(verifyResource(TYPE_URL.routeConfiguration, route)).toEqual([]);
  });

  it('reports content that does not survive the wire', () => {
    // An unpaired surrogate cannot be written as UTF-8; protobufjs substitutes U+FFFD silently.
    const problems = verifyResource(TYPE_URL.runtime, { name: 'gateway.\uD800' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^name: sent "gateway\.\\ud800", read back "gateway\.\uFFFD+"$/);
  });
});
