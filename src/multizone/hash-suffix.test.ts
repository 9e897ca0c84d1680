import { describe, expect, it } from 'vitest';
import { displayName, type HashedResource, fnv1a64, hashInput, hashSuffix, MAX_NAME_BYTES, safeEncode, syncedName, truncateUtf8 } from './hash-suffix.js';

describe('fnv1a64', () => {
  it.each([
    // Published FNV-1a 64 test vectors.
    ['', 0xcbf29ce484222325n],
    ['a', 0xaf63dc4c8601ec8cn],
    ['foobar', 0x85944171f73967e8n],
  ])('hashes %j', (text, expected) => {
    expect(fnv1a64(new TextEncoder().encode(text))).toBe(expected);
  });
});

describe('safeEncode', () => {
  it('maps hex digits as Kubernetes does (docs/multizone.md §4.1 step 4)', () => {
    const map = Object.fromEntries([...'0123456789abcdef'].map((c) => [c, safeEncode(c)]));
    expect(map).toEqual({
      '0': '4', '1': '5', '2': '6', '3': '7', '4': '8', '5': '9', '6': 'b', '7': 'c',
      '8': 'd', '9': 'f', a: 'v', b: 'w', c: 'x', d: 'z', e: '2', f: '4',
    });
  });

  it('keeps leading zero bytes of the hash (16 characters always)', () => {
    expect(hashSuffix('')).toHaveLength(16);
  });
});

describe('syncedName (docs/multizone.md §4.1 table)', () => {
  it.each<{ what: string; res: HashedResource; input: string; name: string }>([
    { what: 'global MeshTimeout', res: { mesh: 'default', name: 'default-timeout-global' }, input: 'defaultdefault-timeout-global', name: 'default-timeout-global-54dbd4c66zwbcf9c' },
    {
      what: 'zone-1 MeshTimeout',
      res: { mesh: 'default', name: 'default-timeout-zone-1', labels: { 'kuma.io/zone': 'zone-1', 'kuma.io/origin': 'zone' } },
      input: 'defaultdefault-timeout-zone-1zone-1',
      name: 'default-timeout-zone-1-c58w24w4vw27f454',
    },
    { what: 'zone-1 Dataplane', res: { mesh: 'default', name: 'backend-1', labels: { 'kuma.io/zone': 'zone-1' } }, input: 'defaultbackend-1zone-1', name: 'backend-1-66xx8vw7fxxw7bb8' },
    { what: 'zone-1 ZoneIngress', res: { mesh: '', name: 'ingress-1', labels: { 'kuma.io/zone': 'zone-1' } }, input: 'ingress-1zone-1', name: 'ingress-1-d42xfc5b76vxd222' },
    { what: 'global MeshGateway', res: { mesh: 'default', name: 'edge' }, input: 'defaultedge', name: 'edge-5c75xw87847wvc4c' },
  ])('$what -> $name', ({ res, input, name }) => {
    expect(hashInput(res)).toBe(input);
    expect(syncedName(res)).toBe(name);
  });

  it('hashes the display name, not the stored name, so a re-sent copy keeps its global name', () => {
    // zone-1's ingress as stored on global, re-sent to zone-2: same name as on global.
    const onGlobal = { mesh: '', name: 'ingress-1-d42xfc5b76vxd222', labels: { 'kuma.io/zone': 'zone-1', 'kuma.io/display-name': 'ingress-1' } };
    expect(displayName(onGlobal)).toBe('ingress-1');
    expect(syncedName(onGlobal)).toBe('ingress-1-d42xfc5b76vxd222');
  });

  it('ignores an empty display-name label', () => {
    expect(syncedName({ mesh: 'default', name: 'edge', labels: { 'kuma.io/display-name': '' } })).toBe('edge-5c75xw87847wvc4c');
  });

  it('includes the namespace label after the zone', () => {
    const res = { mesh: 'default', name: 'backend-1', labels: { 'kuma.io/zone': 'zone-1', 'k8s.kuma.io/namespace': 'kuma-demo' } };
    expect(hashInput(res)).toBe('defaultbackend-1zone-1kuma-demo');
    expect(syncedName(res)).not.toBe('backend-1-66xx8vw7fxxw7bb8');
  });

  it('cuts a 300-character display name to 236 bytes and stays within 253', () => {
    const long = 'a'.repeat(100) + 'b'.repeat(200);
    const name = syncedName({ mesh: 'default', name: long });
    expect(name).toHaveLength(MAX_NAME_BYTES);
    expect(name.startsWith(long.slice(0, 236) + '-')).toBe(true);
    expect(name.slice(237)).toBe(hashSuffix('default' + long));
    // The hash covers the whole name: another name with the same first 236 characters differs.
    expect(syncedName({ mesh: 'default', name: long.slice(0, 299) + 'c' })).not.toBe(name);
  });

  it('does not cut inside a multi-byte character', () => {
    // 235 ASCII bytes then 'é' (2 bytes): byte 236 is the first half of 'é'.
    const name = 'a'.repeat(235) + 'é' + 'x'.repeat(10);
    expect(truncateUtf8(name, 236)).toBe('a'.repeat(235));
    expect(truncateUtf8('a'.repeat(234) + 'é', 236)).toBe('a'.repeat(234) + 'é');
    expect(truncateUtf8('short', 236)).toBe('short');
  });
});
