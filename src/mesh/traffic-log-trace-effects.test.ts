// TrafficTrace selection (best selector rank, then newest, then smaller name), TrafficLog effects
// (Kuma's formats and placeholders, backends by name or the mesh default) and Zipkin settings.
import { describe, expect, it } from 'vitest';
import type { MeshLogging, MeshTracing } from '../api/mesh-observability.js';
import type { Tags } from '../api/tags.js';
import type { StoredResource } from '../core/resource.js';
import { accessLogOf, DEFAULT_TCP_ACCESS_LOG_FORMAT, type AccessLogContext } from './traffic-log-effects.js';
import { selectTrafficTrace, tracingOf } from './traffic-trace-effects.js';

function trace(name: string, day: number, selectors: Tags[], backend?: string): StoredResource<'TrafficTrace'> {
  return {
    kind: 'TrafficTrace',
    mesh: 'default',
    name,
    creationTime: `2024-01-${String(day).padStart(2, '0')}T00:00:00.000Z`,
    modificationTime: `2024-01-${String(day).padStart(2, '0')}T00:00:00.000Z`,
    version: 1,
    labels: {},
    spec: { selectors: selectors.map((match) => ({ match })), ...(backend ? { conf: { backend } } : {}) },
  } as unknown as StoredResource<'TrafficTrace'>;
}

const BACKEND_V1 = { 'kuma.io/service': 'backend', version: 'v1' };
const WEB = { 'kuma.io/service': 'web' };

describe('selectTrafficTrace', () => {
  it.each<[string, StoredResource<'TrafficTrace'>[], Tags[], string | undefined]>([
    ['none selects the proxy', [trace('web', 1, [WEB])], [BACKEND_V1], undefined],
    ['a wildcard selects any proxy', [trace('all', 1, [{ 'kuma.io/service': '*' }])], [BACKEND_V1], 'all'],
    ['more exact tags win over a newer wildcard', [trace('all', 9, [{ 'kuma.io/service': '*' }]), trace('exact', 1, [BACKEND_V1])], [BACKEND_V1], 'exact'],
    ['an exact tag beats a wildcard of the same count', [trace('wild', 9, [{ 'kuma.io/service': '*', version: 'v1' }]), trace('exact', 1, [BACKEND_V1])], [BACKEND_V1], 'exact'],
    ['between equal ranks the newer wins', [trace('old', 1, [{ 'kuma.io/service': 'backend' }]), trace('new', 2, [{ 'kuma.io/service': 'backend' }])], [BACKEND_V1], 'new'],
    ['between equal times the smaller name wins', [trace('b', 1, [{ 'kuma.io/service': 'backend' }]), trace('a', 1, [{ 'kuma.io/service': 'backend' }])], [BACKEND_V1], 'a'],
    ['any tag set of the proxy (any inbound) can match', [trace('web', 1, [WEB])], [BACKEND_V1, WEB], 'web'],
    ['the best selector of a policy counts', [trace('two', 1, [{ 'kuma.io/service': '*' }, BACKEND_V1]), trace('one', 5, [{ 'kuma.io/service': 'backend' }])], [BACKEND_V1], 'two'],
  ])('%s', (_name, policies, tagSets, expected) => {
    expect(selectTrafficTrace(policies, tagSets)?.name).toBe(expected);
  });
});

describe('tracingOf', () => {
  const tracing: MeshTracing = {
    defaultBackend: 'zipkin',
    backends: [
      { name: 'zipkin', type: 'zipkin', conf: { url: 'http://zipkin.example:9411/api/v2/spans' } },
      { name: 'proto', type: 'zipkin', sampling: 0.5, conf: { url: 'http://[::1]:9411/spans', apiVersion: 'httpProto', traceId128bit: true, sharedSpanContext: false } },
      { name: 'v1', type: 'zipkin', conf: { url: 'http://127.0.0.1:9411/api/v1/spans', apiVersion: 'httpJsonV1' } },
      { name: 'dd', type: 'datadog', conf: { address: '127.0.0.1', port: 8126 } },
    ],
  };
  it('uses the default backend when the policy names none', () => {
    expect(tracingOf(trace('t', 1, [WEB]), tracing)).toEqual({
      tracing: { cluster: 'tracing:zipkin', collectorEndpoint: '/api/v2/spans', collectorHostname: 'zipkin.example:9411', version: 'HTTP_JSON', traceId128bit: false },
      collector: { name: 'tracing:zipkin', host: 'zipkin.example', port: 9411 },
    });
  });
  it('reads sampling, API version, 128-bit ids and span context sharing', () => {
    expect(tracingOf(trace('t', 1, [WEB], 'proto'), tracing)).toEqual({
      tracing: { cluster: 'tracing:proto', samplingPercent: 0.5, collectorEndpoint: '/spans', collectorHostname: '[::1]:9411', version: 'HTTP_PROTO', traceId128bit: true, sharedSpanContext: false },
      collector: { name: 'tracing:proto', host: '::1', port: 9411 },
    });
  });
  it("sends Zipkin v1 backends with JSON v2, since Envoy dropped v1", () => {
    expect(tracingOf(trace('t', 1, [WEB], 'v1'), tracing)?.tracing.version).toBe('HTTP_JSON');
  });
  it('has no effect for a missing backend, a datadog backend, or no policy', () => {
    expect(tracingOf(trace('t', 1, [WEB], 'nope'), tracing)).toBeUndefined();
    expect(tracingOf(trace('t', 1, [WEB], 'dd'), tracing)).toBeUndefined();
    expect(tracingOf(undefined, tracing)).toBeUndefined();
    expect(tracingOf(trace('t', 1, [WEB]), {})).toBeUndefined();
  });
});

describe('accessLogOf', () => {
  const logging: MeshLogging = {
    defaultBackend: 'file',
    backends: [
      { name: 'file', type: 'file', conf: { path: '/tmp/a.log' } },
      { name: 'tcp', type: 'tcp', format: '%KUMA_SOURCE_ADDRESS% %KUMA_SOURCE_ADDRESS_WITHOUT_PORT% %KUMA_MESH% %KUMA_TRAFFIC_DIRECTION% %KUMA_SOURCE_SERVICE%>%KUMA_DESTINATION_SERVICE%', conf: { address: 'collector:5000' } },
    ],
  };
  const ctx: AccessLogContext = { mesh: 'default', sourceService: 'backend', destinationService: 'db', sourceAddress: '10.0.0.1', direction: 'OUTBOUND', protocol: 'tcp' };
  const spec = (backend?: string) => ({ sources: [], destinations: [], conf: backend === undefined ? undefined : { backend } });

  it("writes Kuma's default format with the placeholders replaced to the default backend", () => {
    expect(accessLogOf(spec(), logging, ctx)).toEqual({
      format: '[%START_TIME%] %RESPONSE_FLAGS% default 10.0.0.1(backend)->%UPSTREAM_HOST%(db) took %DURATION%ms, sent %BYTES_SENT% bytes, received: %BYTES_RECEIVED% bytes\n',
      sink: { kind: 'file', path: '/tmp/a.log' },
    });
    expect(DEFAULT_TCP_ACCESS_LOG_FORMAT).toContain('%KUMA_SOURCE_ADDRESS_WITHOUT_PORT%(%KUMA_SOURCE_SERVICE%)');
  });
  it("replaces every Kuma placeholder of a backend's own format", () => {
    expect(accessLogOf(spec('tcp'), logging, ctx)).toEqual({ format: '10.0.0.1:0 10.0.0.1 default OUTBOUND backend>db\n', sink: { kind: 'tcp', address: 'collector:5000' } });
  });
  it('logs nothing to a backend the mesh does not declare', () => {
    expect(accessLogOf(spec('nope'), logging, ctx)).toBeUndefined();
    expect(accessLogOf(spec(), {}, ctx)).toBeUndefined();
  });
});
