import { describe, expect, it } from 'vitest';
import { pinToZone } from './zone-pinning.js';

describe('pinToZone (docs/multizone.md §3.5, §12): the zone comes from the stream', () => {
  it('overwrites the zone and origin labels and reports a differing claim', () => {
    const pinned = pinToZone({ kind: 'MeshGateway', mesh: 'default', name: 'edge', labels: { 'kuma.io/zone': 'zone-2', team: 'a' }, spec: {} }, 'zone-1');
    expect(pinned.resource.labels).toEqual({ 'kuma.io/zone': 'zone-1', 'kuma.io/origin': 'zone', team: 'a' });
    expect(pinned.overwritten).toEqual(['labels["kuma.io/zone"]']);
  });

  it("pins a Dataplane's inbound and gateway zone tags where they are set, and nothing else", () => {
    const spec = {
      networking: {
        address: '10.0.0.1',
        inbound: [{ port: 80, tags: { 'kuma.io/service': 'a', 'kuma.io/zone': 'zone-2' } }, { port: 81, tags: { 'kuma.io/service': 'b' } }],
        gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'gw', 'kuma.io/zone': 'zone-1' } },
      },
    };
    const pinned = pinToZone({ kind: 'Dataplane', mesh: 'default', name: 'dp', spec }, 'zone-1');
    const out = pinned.resource.spec as typeof spec;
    expect(out.networking.inbound[0]!.tags['kuma.io/zone']).toBe('zone-1');
    expect(out.networking.inbound[1]!.tags).toEqual({ 'kuma.io/service': 'b' });
    expect(out.networking.gateway.tags['kuma.io/zone']).toBe('zone-1');
    expect(pinned.overwritten).toEqual(['networking.inbound[0].tags["kuma.io/zone"]']);
    // The input is not changed.
    expect(spec.networking.inbound[0]!.tags['kuma.io/zone']).toBe('zone-2');
  });

  it("sets a ZoneIngress's zone and its available services' zone tags", () => {
    const spec = { zone: 'zone-2', availableServices: [{ mesh: 'default', instances: 1, tags: { 'kuma.io/service': 'a', 'kuma.io/zone': 'zone-2' } }] };
    const pinned = pinToZone({ kind: 'ZoneIngress', mesh: '', name: 'ingress', spec }, 'zone-1');
    expect(pinned.resource.spec).toEqual({ zone: 'zone-1', availableServices: [{ mesh: 'default', instances: 1, tags: { 'kuma.io/service': 'a', 'kuma.io/zone': 'zone-1' } }] });
    expect(pinned.overwritten).toEqual(['zone', 'availableServices[0].tags["kuma.io/zone"]']);
    expect(pinToZone({ kind: 'ZoneIngress', mesh: '', name: 'i', spec: {} }, 'zone-1').resource.spec).toEqual({ zone: 'zone-1' });
  });
});
