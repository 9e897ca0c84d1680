import { describe, expect, it } from 'vitest';
import { desiredSubjectAltNames, namesOf, sameSubjectAltNames } from './control-plane-certificate-spec.js';

describe('desiredSubjectAltNames', () => {
  it('always has the loopback names, then the host name, the xDS host and the extra names, sorted by kind', () => {
    const names = desiredSubjectAltNames({ hostname: 'Build-Host', xdsHost: '10.0.0.5', extra: ['cp.example.com', ' 0:0:0:0:0:0:0:1 ', 'FE80::1'] });
    expect(names).toEqual({
      dnsNames: ['build-host', 'cp.example.com', 'localhost'],
      ipAddresses: ['10.0.0.5', '127.0.0.1', '::1', 'fe80::1'],
    });
  });

  it('leaves out wildcard bind addresses and empty names', () => {
    for (const xdsHost of ['0.0.0.0', '::', '']) {
      expect(desiredSubjectAltNames({ hostname: 'h', xdsHost, extra: [''] })).toEqual({ dnsNames: ['h', 'localhost'], ipAddresses: ['127.0.0.1', '::1'] });
    }
  });
});

describe('sameSubjectAltNames', () => {
  it('compares names regardless of their written form and order', () => {
    expect(sameSubjectAltNames(namesOf(['a.example', '::1']), namesOf(['0:0:0:0:0:0:0:1', 'A.example']))).toBe(true);
    expect(sameSubjectAltNames(namesOf(['a.example']), namesOf(['a.example', 'b.example']))).toBe(false);
    expect(sameSubjectAltNames(namesOf(['10.0.0.1']), namesOf(['10.0.0.2']))).toBe(false);
  });
});
