// FaultInjection validation with Kuma's fields and messages (docs/gateway.md §1.6).
import { describe, expect, it } from 'vitest';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('FaultInjection', spec);
  return r.ok ? [] : r.violations;
}

const SOURCES = [{ match: { 'kuma.io/service': 'web' } }];
const HTTP_BACKEND = [{ match: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' } }];

describe('FaultInjection validation', () => {
  it('accepts every fault, sources and destinations by any tags', () => {
    expect(
      violationsOf({
        sources: [{ match: { team: 'web' } }],
        destinations: [{ match: { version: 'v2', 'kuma.io/protocol': 'grpc' } }],
        conf: { delay: { percentage: 50, value: '5s' }, abort: { percentage: 12.5, httpStatus: 503 }, responseBandwidth: { percentage: 100, limit: '10Mbps' } },
      }),
    ).toEqual([]);
  });

  it.each(['100kbps', '10Mbps', '1Gbps', '10 mbps'])('accepts the bandwidth %s', (limit) => {
    expect(violationsOf({ sources: SOURCES, destinations: HTTP_BACKEND, conf: { responseBandwidth: { percentage: 1, limit } } })).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no conf', { sources: SOURCES, destinations: HTTP_BACKEND }, [{ field: 'conf', message: 'must have at least one of the faults configured' }]],
    ['only empty faults', { sources: SOURCES, destinations: HTTP_BACKEND, conf: { delay: {} } }, [{ field: 'conf', message: 'must have at least one of the faults configured' }]],
    ['a destination without protocol', { sources: SOURCES, destinations: [{ match: { 'kuma.io/service': 'backend' } }], conf: { abort: { percentage: 1, httpStatus: 500 } } }, [{ field: 'destinations[0].match', message: 'protocol must be specified' }]],
    [
      'a TCP destination',
      { sources: SOURCES, destinations: [{ match: { 'kuma.io/service': 'db', 'kuma.io/protocol': 'tcp' } }], conf: { abort: { percentage: 1, httpStatus: 500 } } },
      [{ field: 'destinations[0].match["kuma.io/protocol"]', message: 'must be one of the [http, http2, grpc]' }],
    ],
    [
      'a delay without value and a percentage out of range',
      { sources: SOURCES, destinations: HTTP_BACKEND, conf: { delay: { percentage: 101 } } },
      [
        { field: 'conf.delay.percentage', message: 'has to be in [0.0 - 100.0] range' },
        { field: 'conf.delay.value', message: 'cannot be empty' },
      ],
    ],
    [
      'an abort without percentage and an unknown status',
      { sources: SOURCES, destinations: HTTP_BACKEND, conf: { abort: { httpStatus: 599 } } },
      [
        { field: 'conf.abort.percentage', message: 'cannot be empty' },
        { field: 'conf.abort.httpStatus', message: 'http status code is incorrect' },
      ],
    ],
    ['a bandwidth in other units', { sources: SOURCES, destinations: HTTP_BACKEND, conf: { responseBandwidth: { percentage: 1, limit: '10MB/s' } } }, [{ field: 'conf.responseBandwidth.limit', message: 'has to be in kbps/mbps/gbps units' }]],
    [
      'values Envoy refuses: a zero delay, a 1xx abort, a zero bandwidth',
      { sources: SOURCES, destinations: HTTP_BACKEND, conf: { delay: { percentage: 1, value: '0s' }, abort: { percentage: 1, httpStatus: 100 }, responseBandwidth: { percentage: 1, limit: '0kbps' } } },
      [
        { field: 'conf.delay.value', message: 'has to be greater than 0' },
        { field: 'conf.abort.httpStatus', message: 'http status code is incorrect' },
        { field: 'conf.responseBandwidth.limit', message: 'has to be greater than 0' },
      ],
    ],
    ['a bandwidth without limit', { sources: SOURCES, destinations: HTTP_BACKEND, conf: { responseBandwidth: { percentage: 1 } } }, [{ field: 'conf.responseBandwidth.limit', message: 'cannot be empty' }]],
    ['an empty source', { sources: [{ match: {} }], destinations: HTTP_BACKEND, conf: { abort: { percentage: 1, httpStatus: 500 } } }, [{ field: 'sources[0].match', message: 'must have at least one tag' }]],
  ])('%s', (_, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });
});
