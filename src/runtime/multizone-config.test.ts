import { describe, expect, it } from 'vitest';
import { DEFAULT_MULTIZONE, isFederatedZone, multizoneConfigError, writeRoleOf } from './multizone-config.js';

describe('multizoneConfigError (docs/multizone.md §1)', () => {
  it.each([
    [{ mode: 'zone', zone: '' }, 'Name is mandatory'],
    [{ mode: 'zone', zone: 'zone_1' }, 'Zone name zone_1 has to be a valid DNS name'],
    [{ mode: 'zone', zone: '-zone' }, 'Zone name -zone has to be a valid DNS name'],
    [{ mode: 'zone', zone: 'a'.repeat(64) }, 'Zone name cannot be longer than 63 characters'],
    [{ mode: 'zone', zone: 'zone-1', globalAddress: 'http://global:5685' }, 'unsupported scheme "http" in zone GlobalAddress. Use one of [grpc grpcs]'],
    [{ mode: 'zone', zone: 'zone-1', globalAddress: 'global:5685' }, 'unsupported scheme "global" in zone GlobalAddress. Use one of [grpc grpcs]'],
    [{ mode: 'zone', zone: 'zone-1', globalAddress: 'not a url' }, 'unable to parse zone GlobalAddress "not a url"'],
  ] as const)('%j: %s', (config, message) => {
    expect(multizoneConfigError(config)).toBe(message);
  });

  it('accepts the default, DNS names with dots, grpc and grpcs, and a global whatever its zone fields', () => {
    expect(multizoneConfigError(DEFAULT_MULTIZONE)).toBeUndefined();
    expect(multizoneConfigError({ mode: 'zone', zone: 'eu.west-1', globalAddress: 'grpcs://global.example:5685', kds: { tokenFile: '/token' } })).toBeUndefined();
    expect(multizoneConfigError({ mode: 'zone', zone: 'zone-1', globalAddress: 'grpc://127.0.0.1:5685', kds: { tokenFile: '/token' } })).toBeUndefined();
    expect(multizoneConfigError({ mode: 'zone', zone: 'zone-1', globalAddress: 'grpc://127.0.0.1:5685' })).toMatch(/^a zone with a global address needs its zone token \(scope cp\)/);
    expect(multizoneConfigError({ mode: 'global', zone: '' })).toBeUndefined();
  });
});

describe('the role a configuration writes with', () => {
  it('a zone is federated exactly when it has a global address', () => {
    expect(isFederatedZone(DEFAULT_MULTIZONE)).toBe(false);
    expect(writeRoleOf(DEFAULT_MULTIZONE)).toEqual({ mode: 'zone', zone: 'default', federated: false });
    const federated = { mode: 'zone', zone: 'zone-1', globalAddress: 'grpcs://g:5685' } as const;
    expect(isFederatedZone(federated)).toBe(true);
    expect(writeRoleOf(federated)).toEqual({ mode: 'zone', zone: 'zone-1', federated: true });
    expect(writeRoleOf({ mode: 'global', zone: 'default' })).toEqual({ mode: 'global' });
  });
});
