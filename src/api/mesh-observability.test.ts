import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('Mesh', spec);
  return r.ok ? [] : r.violations;
}

const FILE = { name: 'file', type: 'file', conf: { path: '/tmp/access.log' } };
const TCP = { name: 'logstash', type: 'tcp', format: '%START_TIME% %KUMA_SOURCE_SERVICE%', conf: { address: 'logstash.example:5000' } };
const ZIPKIN = { name: 'zipkin', type: 'zipkin', sampling: 50, conf: { url: 'http://zipkin.example:9411/api/v2/spans', traceId128bit: true, apiVersion: 'httpJson', sharedSpanContext: false } };
const DATADOG = { name: 'dd', type: 'datadog', conf: { address: '127.0.0.1', port: 8126, splitService: true } };

describe('Mesh logging and tracing backends', () => {
  it("accepts Kuma's backends as written", () => {
    const spec = { logging: { defaultBackend: 'file', backends: [FILE, TCP] }, tracing: { defaultBackend: 'zipkin', backends: [ZIPKIN, DATADOG] } };
    expect(parseSpec('Mesh', spec)).toEqual({ ok: true, value: spec });
  });

  it.each<[string, unknown, Violation[]]>([
    ['a logging backend of an unknown type', { logging: { backends: [{ name: 'x', type: 'syslog' }] } }, [{ field: 'logging.backends[0].type', message: 'unknown backend type. Available backends: "tcp", "file"' }]],
    ['a file backend without path', { logging: { backends: [{ name: 'x', type: 'file', conf: {} }] } }, [{ field: 'logging.backends[0].conf.path', message: 'cannot be empty' }]],
    ['a file backend with an unknown conf field', { logging: { backends: [{ name: 'x', type: 'file', conf: { address: 'a:1' } }] } }, [{ field: 'logging.backends[0].conf', message: 'could not parse config: unknown field "address"' }]],
    ['a tcp backend without address', { logging: { backends: [{ name: 'x', type: 'tcp' }] } }, [{ field: 'logging.backends[0].conf.address', message: 'cannot be empty' }]],
    ['a tcp backend without port', { logging: { backends: [{ name: 'x', type: 'tcp', conf: { address: 'collector' } }] } }, [{ field: 'logging.backends[0].conf.address', message: 'has to be in format of HOST:PORT' }]],
    [
      'two logging backends of one name',
      { logging: { backends: [FILE, { ...TCP, name: 'file' }] } },
      [{ field: 'logging.backends[1].name', message: '"file" name is already used for another backend' }],
    ],
    ['an undeclared default logging backend', { logging: { defaultBackend: 'nope', backends: [FILE] } }, [{ field: 'logging.defaultBackend', message: 'has to be set to one of the logging backend in mesh' }]],
    ['a sampling above 100', { tracing: { backends: [{ ...ZIPKIN, sampling: 100.5 }] } }, [{ field: 'tracing.backends[0].sampling', message: 'has to be in [0.0 - 100.0] range' }]],
    ['a tracing backend of an unknown type', { tracing: { backends: [{ name: 'j', type: 'jaeger' }] } }, [{ field: 'tracing.backends[0].type', message: 'unknown backend type. Available backends: "zipkin", "datadog"' }]],
    ['a zipkin backend without url', { tracing: { backends: [{ name: 'z', type: 'zipkin', conf: {} }] } }, [{ field: 'tracing.backends[0].conf.url', message: 'cannot be empty' }]],
    ['a zipkin url without port', { tracing: { backends: [{ name: 'z', type: 'zipkin', conf: { url: 'http://zipkin/api/v2/spans' } }] } }, [{ field: 'tracing.backends[0].conf.url', message: 'port has to be explicitly specified' }]],
    ['a zipkin url that is no URL', { tracing: { backends: [{ name: 'z', type: 'zipkin', conf: { url: 'zipkin:9411' } }] } }, [{ field: 'tracing.backends[0].conf.url', message: 'port has to be explicitly specified' }]],
    [
      'an unknown zipkin API version',
      { tracing: { backends: [{ name: 'z', type: 'zipkin', conf: { url: 'http://zipkin:9411/api/v2/spans', apiVersion: 'grpc' } }] } },
      [{ field: 'tracing.backends[0].conf.apiVersion', message: 'has invalid value. Allowed values: httpJsonV1, httpJson, httpProto' }],
    ],
    ['a datadog backend without port', { tracing: { backends: [{ name: 'd', type: 'datadog', conf: { address: 'dd' } }] } }, [{ field: 'tracing.backends[0].conf.port', message: 'port must be in the range [1, 65535]' }]],
    ['an undeclared default tracing backend', { tracing: { defaultBackend: 'nope' } }, [{ field: 'tracing.defaultBackend', message: 'has to be set to one of the tracing backend in mesh' }]],
  ])('rejects %s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });
});
