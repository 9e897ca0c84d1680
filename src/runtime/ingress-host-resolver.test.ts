import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { IngressHostResolver, type HostLookup } from './ingress-host-resolver.js';

const silent = pino({ level: 'silent' });

function ingress(name: string, zone: string, advertisedAddress: string) {
  return { kind: 'ZoneIngress' as const, mesh: name, name, spec: { ...(zone ? { zone } : {}), networking: { address: '10.0.0.1', port: 10001, advertisedAddress, advertisedPort: 10001 } } };
}

describe('IngressHostResolver', () => {
  it("resolves the names other zones' ingresses advertise, prefers IPv4, keeps an answer through a short failure, then drops it", async () => {
    const store = new MemoryStore();
    await store.put(ingress('remote-name', 'zone-2', 'lb.zone-2.example'));
    await store.put(ingress('remote-ip', 'zone-2', '198.51.100.2'));
    await store.put(ingress('own', '', 'lb.own.example'));
    await store.put(ingress('own-labelled', 'zone-1', 'lb.own2.example'));
    const asked: string[] = [];
    let failing = false;
    const lookup: HostLookup = async (name) => {
      asked.push(name);
      if (failing) throw new Error('ENOTFOUND');
      return [{ address: '2001:db8::1', family: 6 }, { address: '203.0.113.5', family: 4 }];
    };
    const clock = { now: 0 };
    const changes: Array<Record<string, string>> = [];
    const resolver = new IngressHostResolver({ store, zone: 'zone-1', logger: silent, lookup, now: () => clock.now, keepFailedMs: 1_000, intervalMs: 3_600_000, onChange: (hosts) => changes.push(Object.fromEntries(hosts)) });
    await resolver.refresh();
    expect(asked).toEqual(['lb.zone-2.example']);
    expect(changes).toEqual([{ 'lb.zone-2.example': '203.0.113.5' }]);
    expect(resolver.resolved('lb.zone-2.example')).toBe('203.0.113.5');
    // Unchanged answers: no change reported.
    await resolver.refresh();
    expect(changes).toHaveLength(1);
    // A blip shorter than keepFailedMs keeps the address; a longer failure drops it.
    failing = true;
    clock.now = 500;
    await resolver.refresh();
    expect(changes).toHaveLength(1);
    clock.now = 2_000;
    await resolver.refresh();
    expect(changes).toEqual([{ 'lb.zone-2.example': '203.0.113.5' }, {}]);
    expect(resolver.resolved('lb.zone-2.example')).toBeUndefined();
    resolver.stop();
  });

  it('follows ZoneIngress changes: a new remote name is looked up without waiting for the interval', async () => {
    const store = new MemoryStore();
    const changes: Array<Record<string, string>> = [];
    const resolver = new IngressHostResolver({ store, zone: 'zone-1', logger: silent, lookup: async () => [{ address: '203.0.113.6', family: 4 }], intervalMs: 3_600_000, onChange: (hosts) => changes.push(Object.fromEntries(hosts)) });
    resolver.start();
    await store.put(ingress('remote', 'zone-3', 'lb.zone-3.example'));
    const deadline = Date.now() + 5_000;
    while (changes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(changes.at(-1)).toEqual({ 'lb.zone-3.example': '203.0.113.6' });
    resolver.stop();
  });
});
