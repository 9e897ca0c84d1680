// ExternalService validation, one row per rule with Kuma's exact field and message
// (pkg/core/resources/apis/mesh/external_service_validator.go and its test table).
import { describe, expect, it } from 'vitest';
import { splitHostPort } from './external-service-validate.js';
import { parseSpec } from './resource-kinds.js';
import type { Violation } from './violation.js';

function violationsOf(spec: unknown): readonly Violation[] {
  const r = parseSpec('ExternalService', spec);
  return r.ok ? [] : r.violations;
}

const TAGS = { 'kuma.io/service': 'backend', version: '1' };
const at = (address: string) => ({ networking: { address }, tags: TAGS });
const ADDRESS = 'networking.address';
const ALL_ADDRESS_ERRORS: Violation[] = [
  { field: ADDRESS, message: 'unable to parse address' },
  { field: ADDRESS, message: 'address has to be a valid IP address or a domain name' },
  { field: ADDRESS, message: 'unable to parse port in address' },
  { field: ADDRESS, message: 'port must be in the range [1, 65535]' },
];

describe('ExternalService validation', () => {
  it.each<[string, unknown]>([
    ['an IP address', at('192.168.0.1:8080')],
    ['a domain name', at('example.com:8080')],
    ['IPv6 in brackets', at('[fd00:a123::1]:8080')],
    ['tags with dots, dashes, underscores and colons', { networking: { address: 'example.com:443' }, tags: { 'kuma.io/service': 'backend', 'kuma.io/valid': 'abc.0123-789.under_score:90' } }],
    [
      'TLS with every field and each data source form',
      {
        networking: {
          address: 'httpbin.org:443',
          disableHostDNSEntry: true,
          tls: { enabled: true, allowRenegotiation: false, skipHostnameVerification: false, serverName: 'httpbin.org', caCert: { inline: 'Y2E=' }, clientCert: { secret: 'cert' }, clientKey: { inlineString: 'key' } },
        },
        tags: { 'kuma.io/service': 'httpbin', 'kuma.io/protocol': 'http' },
      },
    ],
    ['snake_case TLS fields as protojson accepts them', { networking: { address: 'a.example:443', tls: { enabled: true, server_name: 'a.example', ca_cert: { inline_string: 'x' } } }, tags: TAGS }],
  ])('accepts %s', (_name, spec) => {
    expect(violationsOf(spec)).toEqual([]);
  });

  it.each<[string, unknown, Violation[]]>([
    ['no networking', { tags: TAGS }, [{ field: 'networking', message: 'should have networking' }]],
    ['an empty address', { networking: {}, tags: TAGS }, [{ field: ADDRESS, message: "address can't be empty" }]],
    ['a host that is neither IP nor domain', at('..>_<..:8080'), [{ field: ADDRESS, message: 'address has to be a valid IP address or a domain name' }]],
    ['a URL with a scheme', at('http://example.com:8080'), ALL_ADDRESS_ERRORS],
    ['IPv6 without brackets', at('fd00:1234::1:8080'), ALL_ADDRESS_ERRORS],
    ['a port out of range', at('192.168.0.1:65536'), [{ field: ADDRESS, message: 'port must be in the range [1, 65535]' }]],
    ['no port', at('example.com'), ALL_ADDRESS_ERRORS],
    [
      'an empty port',
      at('example.com:'),
      [
        { field: ADDRESS, message: 'unable to parse port in address' },
        { field: ADDRESS, message: 'port must be in the range [1, 65535]' },
      ],
    ],
    ['an empty SNI', { networking: { address: '192.168.0.1:8080', tls: { serverName: '' } }, tags: TAGS }, [{ field: 'networking.tls.serverName', message: 'cannot be empty' }]],
    [
      'empty data sources',
      { networking: { address: '192.168.0.1:8080', tls: { enabled: true, caCert: { inline: '' }, clientCert: { inlineString: '' }, clientKey: { secret: '' } } }, tags: { 'kuma.io/service': 'backend' } },
      [
        { field: 'networking.tls.caCert', message: 'data source cannot be empty' },
        { field: 'networking.tls.clientCert', message: 'data source cannot be empty' },
        { field: 'networking.tls.clientKey', message: 'data source cannot be empty' },
      ],
    ],
    ['two data source fields', { networking: { address: '192.168.0.1:8080', tls: { caCert: { secret: 'a', inlineString: 'b' } } }, tags: TAGS }, [{ field: 'networking.tls.caCert', message: 'only one of "secret", "file", "inline", "inlineString" may be set' }]],
    ['no kuma.io/service tag', { networking: { address: '192.168.0.1:8080' }, tags: { version: '1' } }, [{ field: 'tags', message: 'mandatory tag "kuma.io/service" is missing' }]],
    ['an empty tag value', { networking: { address: '192.168.0.1:8080' }, tags: { 'kuma.io/service': 'backend', version: '' } }, [{ field: 'tags["version"]', message: 'tag value must be non-empty' }]],
    [
      'an empty protocol: the protocol message first',
      { networking: { address: '192.168.0.1:8080' }, tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': '' } },
      [
        { field: 'tags["kuma.io/protocol"]', message: 'tag "kuma.io/protocol" has an invalid value "". Allowed values: grpc, http, http2, kafka, tcp' },
        { field: 'tags["kuma.io/protocol"]', message: 'tag value must be non-empty' },
      ],
    ],
    [
      'an unsupported protocol',
      { networking: { address: '192.168.0.1:8080' }, tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'not-yet-supported-protocol' } },
      [{ field: 'tags["kuma.io/protocol"]', message: 'tag "kuma.io/protocol" has an invalid value "not-yet-supported-protocol". Allowed values: grpc, http, http2, kafka, tcp' }],
    ],
    [
      'a tag name with invalid characters',
      { networking: { address: '192.168.0.1:8080' }, tags: { 'kuma.io/service': 'backend', 'inv@lidT/gN%me': 'value' } },
      [{ field: 'tags["inv@lidT/gN%me"]', message: 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores' }],
    ],
    [
      'a tag value with invalid characters',
      { networking: { address: '192.168.0.1:8080' }, tags: { 'kuma.io/service': 'backend', invalidTagValue: 'inv@lid+t@g' } },
      [{ field: 'tags["invalidTagValue"]', message: 'tag value must consist of alphanumeric characters, dots, dashes and underscores' }],
    ],
    ['a service named like the host', { networking: { address: 'httpbin.org:443' }, tags: { 'kuma.io/service': 'httpbin.org' } }, [{ field: 'tags["kuma.io/service"]', message: 'cannot be the same as networking.address' }]],
    ['an unknown field', { networking: { address: 'a.example:80', port: 80 }, tags: TAGS }, [{ field: 'networking.port', message: 'unknown field "port"' }]],
  ])('rejects %s', (_name, spec, expected) => {
    expect(violationsOf(spec)).toEqual(expected);
  });

  it('splits host and port as Go net.SplitHostPort does', () => {
    expect(splitHostPort('example.com:80')).toEqual({ host: 'example.com', port: '80' });
    expect(splitHostPort('[::1]:443')).toEqual({ host: '::1', port: '443' });
    expect(splitHostPort('::1:443')).toBeUndefined();
    expect(splitHostPort('[::1]443')).toBeUndefined();
    expect(splitHostPort('noport')).toBeUndefined();
  });
});
