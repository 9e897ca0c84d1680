import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { AnyMessage } from '../cache/snapshot.js';
import { ADS_SERVICE_NAME, adsPackageDefinition, adsServiceDefinition, type DeltaDiscoveryResponse, type DiscoveryResponse } from './ads-service.js';
import { encodeDeltaDiscoveryResponse, encodeDiscoveryResponse, serializeDeltaDiscoveryResponse, serializeDiscoveryResponse } from './response-encoding.js';

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

  it('is what the ADS service definition serializes with', () => {
    const served = adsServiceDefinition();
    const res: DiscoveryResponse = { version_info: 'v', resources: [any(rnd, 10)], type_url: 't', nonce: 'n' };
    // Copied at once, as grpc-js does: the served bytes are lent (see the next test).
    const bytes = Buffer.from(served['StreamAggregatedResources']!.responseSerialize(res));
    expect(bytes.equals(encodeDiscoveryResponse(res))).toBe(true);
  });

  it("describes the methods as proto-loader does and decodes requests to the same objects, from the shared Root", () => {
    const served = adsServiceDefinition();
    for (const name of ['StreamAggregatedResources', 'DeltaAggregatedResources']) {
      const [mine, theirs] = [served[name]!, generic[name]!];
      expect([mine.path, mine.requestStream, mine.responseStream, mine.originalName]).toEqual([theirs.path, theirs.requestStream, theirs.responseStream, theirs.originalName]);
    }
    const node = {
      id: 'default.gw-1',
      cluster: 'edge',
      user_agent_name: 'envoy',
      client_features: ['envoy.lb.does_not_support_overprovisioning', 'xds.config.resource-in-sotw'],
      metadata: { fields: { 'dataplane.admin.port': { stringValue: '9901' }, nested: { structValue: { fields: { on: { boolValue: true }, n: { numberValue: 1.5 } } } }, none: { nullValue: 'NULL_VALUE' } } },
      user_agent_build_version: { version: { major_number: 1, minor_number: 33, patch: 2 } },
      locality: { zone: 'z1' },
    };
    const errorDetail = { code: 3, message: 'rejected: duplicate name', details: [{ type_url: 'type.googleapis.com/google.rpc.BadRequest', value: Buffer.from([1, 2, 3]) }] };
    const sotwRequests = [
      {},
      { node, type_url: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' },
      { version_info: 'abc', resource_names: ['a', 'b', ''], type_url: 't', response_nonce: '1-2', error_detail: errorDetail },
    ];
    const deltaRequests = [
      {},
      { node, type_url: 't', resource_names_subscribe: ['x', 'y'], resource_names_unsubscribe: ['z'], initial_resource_versions: { x: '0123456789abcdef', y: '' } },
      { type_url: 't', response_nonce: '7-9', error_detail: errorDetail },
    ];
    for (const [name, requests] of [['StreamAggregatedResources', sotwRequests], ['DeltaAggregatedResources', deltaRequests]] as const) {
      const [mine, theirs] = [served[name]!, generic[name]!];
      for (const request of requests) {
        const bytes = theirs.requestSerialize(request);
        expect(mine.requestDeserialize(bytes)).toEqual(theirs.requestDeserialize(bytes));
        expect(Buffer.from(mine.requestSerialize(request)).equals(bytes)).toBe(true);
      }
    }
  });

  it('lends the same bytes to grpc-js, valid until the next encode', () => {
    const big = any(rnd, 70_000);
    const sotwRes: DiscoveryResponse = { version_info: 'v1', resources: [big], type_url: 't', nonce: 'n1' };
    const deltaRes: DeltaDiscoveryResponse = { system_version_info: 'v2', resources: [{ name: 'r', version: '1', resource: big }], type_url: 't', removed_resources: ['gone'], nonce: 'n2' };
    expect(Buffer.from(serializeDiscoveryResponse(sotwRes)).equals(encodeDiscoveryResponse(sotwRes))).toBe(true);
    expect(Buffer.from(serializeDeltaDiscoveryResponse(deltaRes)).equals(encodeDeltaDiscoveryResponse(deltaRes))).toBe(true);
    const lent = serializeDiscoveryResponse(sotwRes);
    const kept = encodeDiscoveryResponse({ ...sotwRes, version_info: 'v9' });
    // The lent view now shows the later encode: why only a consumer that copies at once may borrow.
    expect(lent.subarray(0, 4).equals(kept.subarray(0, 4))).toBe(true);
    expect(kept.equals(encodeDiscoveryResponse({ ...sotwRes, version_info: 'v9' }))).toBe(true);
  });
});
