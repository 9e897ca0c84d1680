import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { AnyMessage } from '../cache/snapshot.js';
import { ADS_SERVICE_NAME, adsPackageDefinition, adsServiceDefinition, type DeltaDiscoveryResponse, type DiscoveryResponse } from './ads-service.js';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse } from './response-encoding.js';

const generic = adsPackageDefinition()[ADS_SERVICE_NAME] as unknown as grpc.ServiceDefinition;
const sotw = generic['StreamAggregatedResources']!;
const delta = generic['DeltaAggregatedResources']!;

/** Deterministic pseudo-random numbers (xorshift32). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const TEXTS = ['', 'a', 'cluster-é', 'edge:HTTP:8080', '名前', 'x'.repeat(200), 'emoji 🚀'];

function any(rnd: () => number, size: number): AnyMessage {
  const value = new Uint8Array(size);
  for (let i = 0; i < size; i++) value[i] = Math.floor(rnd() * 256);
  return { type_url: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration', value };
}

describe('response encoding', () => {
  const rnd = random(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sizes = [0, 1, 127, 128, 300, 20_000, 70_000];

  it('writes DiscoveryResponse bytes identical to the generic serializer, and reuses resource encodings', () => {
    const shared = any(rnd, 500);
    for (let i = 0; i < 200; i++) {
      const res: DiscoveryResponse = {
        version_info: pick(TEXTS),
        resources: Array.from({ length: Math.floor(rnd() * 5) }, () => (rnd() < 0.3 ? shared : any(rnd, pick(sizes)))),
        type_url: pick(TEXTS),
        nonce: pick(TEXTS),
        ...(rnd() < 0.5 ? { control_plane: { identifier: pick(TEXTS) } } : {}),
      };
      expect(encodeDiscoveryResponse(res).equals(sotw.responseSerialize(res))).toBe(true);
    }
  });

  it('writes DeltaDiscoveryResponse bytes identical to the generic serializer, whatever name and version a shared Any is sent with', () => {
    const shared = any(rnd, 300);
    for (let i = 0; i < 200; i++) {
      const res: DeltaDiscoveryResponse = {
        system_version_info: pick(TEXTS),
        resources: Array.from({ length: Math.floor(rnd() * 5) }, () => ({
          name: pick(TEXTS),
          version: pick(TEXTS),
          resource: rnd() < 0.3 ? shared : any(rnd, pick(sizes)),
        })),
        type_url: pick(TEXTS),
        removed_resources: Array.from({ length: Math.floor(rnd() * 3) }, () => pick(TEXTS)),
        nonce: pick(TEXTS),
        ...(rnd() < 0.5 ? { control_plane: { identifier: pick(TEXTS) } } : {}),
      };
      expect(encodeDeltaDiscoveryResponse(res).equals(delta.responseSerialize(res))).toBe(true);
    }
  });

  it('is what the ADS service definition serializes with; requests still decode generically', () => {
    const served = adsServiceDefinition();
    const res: DiscoveryResponse = { version_info: 'v', resources: [any(rnd, 10)], type_url: 't', nonce: 'n' };
    expect(served['StreamAggregatedResources']!.responseSerialize(res).equals(encodeDiscoveryResponse(res))).toBe(true);
    expect(served['DeltaAggregatedResources']!.requestDeserialize).toBe(delta.requestDeserialize);
  });
});
