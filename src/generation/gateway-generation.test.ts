import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenCases } from '../../test/support/golden.js';
import { gatewayInput, type RawCase } from '../gateway/testdata/load-case.js';
import { translateGateway } from '../gateway/translate-gateway.js';
import { TypeUrl } from '../xds/cache/resource-types.js';
import { buildSnapshot } from '../xds/cache/snapshot.js';
import { encodeResource } from '../xds/envoy/encode.js';
import { buildEnvoyResources, RESOURCE_TYPE_URLS, type EnvoyResources } from '../xds/translator/translate.js';
import { EncodeCache } from './encode-cache.js';
import { generateGatewayIdentity, replicaSnapshot } from './gateway-generation.js';
import { bindListener, listenerTemplate } from './listener-address.js';

const ALL_CASES = goldenCases(path.join(import.meta.dirname, '..', 'gateway', 'testdata'));

/** Whether the xDS builders handle the case (cross-mesh listeners throw until issue 10). */
function builds(c: (typeof ALL_CASES)[number]): boolean {
  const gw = translateGateway(gatewayInput(c.input as RawCase)).gateway;
  try {
    if (gw) buildEnvoyResources(gw, '10.0.0.1');
    return true;
  } catch {
    return false;
  }
}

const CASES = ALL_CASES.filter(builds);
const ADDRESSES = ['10.0.0.1', '192.168.100.200', '2001:db8::1', 'gateway.internal.example.com'];

/** The snapshot as built before the engine: every resource encoded whole at one address. */
function wholeSnapshot(resources: EnvoyResources) {
  return buildSnapshot(
    Object.fromEntries(
      (Object.keys(resources) as (keyof EnvoyResources)[]).map((key) => [
        RESOURCE_TYPE_URLS[key],
        resources[key].map((r) => ({ name: r.name, bytes: encodeResource(RESOURCE_TYPE_URLS[key], r.resource) })),
      ]),
    ),
  );
}

describe('listener templates', () => {
  for (const c of CASES) {
    const translation = translateGateway(gatewayInput(c.input as RawCase));
    if (!translation.gateway) continue;
    it(`${c.name}: a template bound to an address is byte-identical to encoding the listener there`, () => {
      for (const address of ADDRESSES) {
        for (const listener of buildEnvoyResources(translation.gateway!, address).listeners) {
          const template = listenerTemplate(listener.resource as Parameters<typeof listenerTemplate>[0], (rest) => ({ bytes: encodeResource(TypeUrl.Listener, rest), version: '' }));
          const other = address === ADDRESSES[0] ? ADDRESSES[1]! : ADDRESSES[0]!;
          expect(Buffer.from(bindListener(template, address))).toEqual(Buffer.from(encodeResource(TypeUrl.Listener, listener.resource)));
          expect(Buffer.from(bindListener(template, other))).not.toEqual(Buffer.from(encodeResource(TypeUrl.Listener, listener.resource)));
        }
      }
    });
  }

  it('covers most golden cases; the others throw in the builders and in generation alike', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
    for (const c of ALL_CASES.filter((x) => !builds(x))) {
      expect(() => generateGatewayIdentity(gatewayInput(c.input as RawCase), new EncodeCache(), { address: '10.0.0.1' })).toThrow();
    }
  });

  it('refuses a listener whose encoding does not start with its name', () => {
    const listener = { name: 'l', address: { socket_address: { address: '1.2.3.4', port_value: 1 } } };
    expect(() => listenerTemplate(listener, () => ({ bytes: new Uint8Array([0x12, 0]), version: '' }))).toThrow(/does not start with its name/);
  });
});

describe('generateGatewayIdentity', () => {
  for (const c of CASES) {
    it(`${c.name}: every replica's snapshot equals the one built by encoding everything at its address`, () => {
      const input = gatewayInput(c.input as RawCase);
      const cache = new EncodeCache();
      const generation = generateGatewayIdentity(input, cache, { address: ADDRESSES[0]! });
      const translation = translateGateway(input);
      expect(generation.translation).toEqual(translation);
      if (translation.failed) {
        expect(generation.config).toBeUndefined();
        return;
      }
      for (const address of ADDRESSES) {
        const resources = translation.gateway ? buildEnvoyResources(translation.gateway, address) : undefined;
        const expected = resources ? wholeSnapshot(resources) : undefined;
        if (!expected || !generation.config) {
          expect(generation.config === undefined).toBe(expected === undefined && translation.gateway !== undefined);
          continue;
        }
        const actual = replicaSnapshot(generation.config, address);
        expect(actual.version).toBe(expected.version);
        for (const [typeUrl, type] of expected.types) {
          const got = actual.types.get(typeUrl)!;
          expect([...got.resources.values()].map((r) => [r.name, r.version, Buffer.from(r.bytes).toString('hex')])).toEqual(
            [...type.resources.values()].map((r) => [r.name, r.version, Buffer.from(r.bytes).toString('hex')]),
          );
        }
      }
    });
  }

  it('a second identity with the same resources encodes nothing new, and releasing both empties the cache', () => {
    const input = gatewayInput(CASES.find((c) => c.name === 'basic-http-path-routing')!.input as RawCase);
    const cache = new EncodeCache();
    const one = generateGatewayIdentity(input, cache, { address: '10.0.0.1' });
    const misses = cache.stats.misses;
    const two = generateGatewayIdentity(input, cache, { address: '10.0.0.2' });
    expect(cache.stats.misses).toBe(misses);
    cache.release(one.lease!);
    expect(cache.size).toBeGreaterThan(0);
    cache.release(two.lease!);
    expect(cache.size).toBe(0);
  });
});
