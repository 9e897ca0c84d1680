// docs/mesh-mtls.md §5.2 (which TrafficPermission applies to an inbound) and §5.3 (its principals).
import { describe, expect, it } from 'vitest';
import type { Tags } from '../api/tags.js';
import { inboundRbac, selectTrafficPermission, sourcePrincipals, type TrafficPermission } from './traffic-permission.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';

function policy(name: string, destinations: Tags[], sources: Tags[] = [{ 'kuma.io/service': '*' }], creationTime = T0): TrafficPermission {
  return {
    kind: 'TrafficPermission',
    mesh: 'default',
    name,
    spec: { sources: sources.map((match) => ({ match })), destinations: destinations.map((match) => ({ match })) },
    version: '1',
    creationTime,
    modificationTime: creationTime,
  };
}

const BACKEND: Tags = { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http', version: 'v1' };
const ALLOW_ALL = policy('allow-all-default', [{ 'kuma.io/service': '*' }]);

describe('docs/mesh-mtls.md §5.2 selectTrafficPermission', () => {
  it('selects nothing when no destination matches', () => {
    expect(selectTrafficPermission([policy('web-only', [{ 'kuma.io/service': 'web' }])], BACKEND)).toBeUndefined();
    expect(selectTrafficPermission([], BACKEND)).toBeUndefined();
  });

  it('exact beats wildcard: an exact backend policy is the only one for backend, allow-all still covers the rest', () => {
    const webToBackend = policy('web-to-backend', [{ 'kuma.io/service': 'backend' }], [{ 'kuma.io/service': 'web' }]);
    expect(selectTrafficPermission([ALLOW_ALL, webToBackend], BACKEND)?.name).toBe('web-to-backend');
    expect(selectTrafficPermission([webToBackend, ALLOW_ALL], BACKEND)?.name).toBe('web-to-backend');
    expect(selectTrafficPermission([ALLOW_ALL, webToBackend], { 'kuma.io/service': 'other' })?.name).toBe('allow-all-default');
  });

  it('ranks by total tag count first, then by exact values', () => {
    const twoWild = policy('two-wild', [{ 'kuma.io/service': '*', version: '*' }]);
    const oneExact = policy('one-exact', [{ 'kuma.io/service': 'backend' }]);
    const oneExactOneWild = policy('exact-and-wild', [{ 'kuma.io/service': 'backend', version: '*' }]);
    expect(selectTrafficPermission([oneExact, twoWild], BACKEND)?.name).toBe('two-wild');
    expect(selectTrafficPermission([twoWild, oneExactOneWild, oneExact], BACKEND)?.name).toBe('exact-and-wild');
  });

  it("uses a policy's best matching destination, and ignores sources", () => {
    const several = policy('several', [{ 'kuma.io/service': '*' }, { 'kuma.io/service': 'backend', version: 'v1' }], [{ 'kuma.io/service': 'backend' }]);
    const single = policy('single', [{ 'kuma.io/service': 'backend', version: '*' }]);
    expect(selectTrafficPermission([single, several], BACKEND)?.name).toBe('several');
  });

  it('on equal rank, the later-created policy wins, then the smaller name', () => {
    const older = policy('a-older', [{ 'kuma.io/service': 'backend' }], undefined, T0);
    const newer = policy('z-newer', [{ 'kuma.io/service': 'backend' }], undefined, T1);
    expect(selectTrafficPermission([older, newer], BACKEND)?.name).toBe('z-newer');
    expect(selectTrafficPermission([newer, older], BACKEND)?.name).toBe('z-newer');
    const twin = policy('b-twin', [{ 'kuma.io/service': 'backend' }], undefined, T0);
    expect(selectTrafficPermission([twin, older], BACKEND)?.name).toBe('a-older');
    expect(selectTrafficPermission([older, twin], BACKEND)?.name).toBe('a-older');
  });

  it('requires every destination tag to be present; `*` accepts any value but not absence', () => {
    expect(selectTrafficPermission([policy('zone', [{ 'kuma.io/service': 'backend', 'kuma.io/zone': '*' }])], BACKEND)).toBeUndefined();
  });
});

describe('docs/mesh-mtls.md §5.3 sourcePrincipals', () => {
  it('gives the SPIFFE ID of an exact service', () => {
    expect(sourcePrincipals('default', { match: { 'kuma.io/service': 'web' } })).toEqual(['spiffe://default/web']);
  });

  it('gives kuma:// principals for exact extra tags, ordered by key, before the SPIFFE ID (M1)', () => {
    const match = { version: 'v1', 'kuma.io/service': 'web', 'kuma.io/zone': 'east', region: '*' };
    expect(sourcePrincipals('default', { match })).toEqual(['kuma://kuma.io/zone/east', 'kuma://version/v1', 'spiffe://default/web']);
  });

  it('leaves out `*` values, and gives none (any client) for a wildcard service', () => {
    expect(sourcePrincipals('default', { match: { 'kuma.io/service': '*' } })).toEqual([]);
    expect(sourcePrincipals('default', { match: { 'kuma.io/service': '*', version: 'v2' } })).toEqual(['kuma://version/v2']);
  });
});

describe('docs/mesh-mtls.md §5.3 inboundRbac', () => {
  it('denies all when no policy selects the inbound', () => {
    expect(inboundRbac('default', [], BACKEND)).toEqual({ sources: [] });
  });

  it("names the winner and lists one alternative per source selector", () => {
    const p = policy('to-backend', [{ 'kuma.io/service': 'backend' }], [{ 'kuma.io/service': 'web' }, { 'kuma.io/service': '*', version: 'v1' }]);
    expect(inboundRbac('default', [ALLOW_ALL, p], BACKEND)).toEqual({ policy: 'to-backend', sources: [['spiffe://default/web'], ['kuma://version/v1']] });
    expect(inboundRbac('default', [ALLOW_ALL], BACKEND)).toEqual({ policy: 'allow-all-default', sources: [[]] });
  });
});
