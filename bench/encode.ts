// Issue 9 deliverable 4: encoding alone, for the resources of 1 gateway x N routes (one ~4 MB
// RouteConfiguration at 10,000 routes). The direct encoder (encodeResource) against the encoding
// it replaced (protobufjs fromObject + encode after canonicalise), same resources, median of 20.
import { translateGateway } from '../src/gateway/translate-gateway.js';
import { encodeResource } from '../src/xds/envoy/encode.js';
import { buildEnvoyResources, RESOURCE_TYPE_URLS, type EnvoyResources } from '../src/xds/translator/translate.js';
import { encodeResourceReference } from '../test/support/encode-reference.js';
import { gatewayInput } from './fixtures.js';
import os from 'node:os';
import { summarize, timeWithCpu, type BenchResult } from './harness.js';

type Encode = (typeUrl: string, object: object) => Uint8Array;

function encodeAll(resources: EnvoyResources, encode: Encode): number {
  let bytes = 0;
  for (const key of Object.keys(resources) as (keyof EnvoyResources)[]) {
    for (const r of resources[key]) bytes += encode(RESOURCE_TYPE_URLS[key], r.resource).byteLength;
  }
  return bytes;
}

/** MB/s (10^6 bytes per second) of each sample (ms). */
function throughput(bytes: number, samplesMs: readonly number[]): number[] {
  return samplesMs.map((ms) => Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10);
}

/** Encode every resource of 1 gateway x `routes` routes, old and new path, `runs` runs each. */
export async function benchEncode(routes = 10_000, runs = 20): Promise<BenchResult> {
  const gw = translateGateway(gatewayInput({ routes, hostnames: 10, services: 50 })).gateway;
  if (!gw) throw new Error('fixture gateway did not match');
  const resources = buildEnvoyResources(gw, '127.0.0.1');
  const bytes = encodeAll(resources, encodeResource);
  if (encodeAll(resources, encodeResourceReference) !== bytes) throw new Error('old and new encodings differ in size');
  const reference = await timeWithCpu(() => encodeAll(resources, encodeResourceReference), runs);
  const direct = await timeWithCpu(() => encodeAll(resources, encodeResource), runs);
  return {
    id: `S4-encode-1gw-${routes}routes`,
    description: `encode only: every resource of 1 gateway x ${routes} MeshGatewayRoutes (${bytes} bytes), canonicalise+fromObject+encode (reference) vs direct; wall and process CPU time`,
    metrics: {
      bytes,
      loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
      referenceMs: summarize(reference.wall),
      directMs: summarize(direct.wall),
      referenceCpuMs: summarize(reference.cpu),
      directCpuMs: summarize(direct.cpu),
      referenceMBps: summarize(throughput(bytes, reference.wall), 'MB/s'),
      directMBps: summarize(throughput(bytes, direct.wall), 'MB/s'),
      referenceCpuMBps: summarize(throughput(bytes, reference.cpu), 'MB/s'),
      directCpuMBps: summarize(throughput(bytes, direct.cpu), 'MB/s'),
    },
  };
}
