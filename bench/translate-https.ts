// Issue 3's figure: translate + encode for 10 gateways x 100 HTTPS hostnames x 10 routes, with the
// encoded size per xDS type. Every gateway is translated and encoded in full, as the runtime does
// when a mesh is regenerated.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { translateGateway } from '../src/gateway/translate-gateway.js';
import { encodeResource } from '../src/xds/envoy/encode.js';
import { buildEnvoyResources, RESOURCE_TYPE_URLS, type EnvoyResources } from '../src/xds/translator/translate.js';
import { REPO_ROOT } from '../test/support/processes.js';
import { httpsGatewayInputs } from './fixtures.js';
import { summarize, time, type BenchResult } from './harness.js';

function translateAndEncodeAll(inputs: ReturnType<typeof httpsGatewayInputs>): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const input of inputs) {
    const t = translateGateway(input);
    if (!t.gateway) throw new Error(`gateway of ${input.proxy.name} did not translate: ${t.problems.map((p) => p.message).join('; ')}`);
    const resources = buildEnvoyResources(t.gateway, '127.0.0.1');
    for (const key of Object.keys(resources) as (keyof EnvoyResources)[]) {
      for (const r of resources[key]) bytes[key] = (bytes[key] ?? 0) + encodeResource(RESOURCE_TYPE_URLS[key], r.resource).byteLength;
    }
  }
  return bytes;
}

/** 10 gateways x 100 HTTPS hostnames x 10 routes: median of `runs` full translations. */
export async function benchTranslateHttps(runs = 10): Promise<BenchResult> {
  const fixtures = path.join(REPO_ROOT, 'test', 'e2e', 'fixtures');
  const certificatePem = readFileSync(path.join(fixtures, 'a.example.com.cert.pem'), 'utf8') + readFileSync(path.join(fixtures, 'a.example.com.key.pem'), 'utf8');
  const inputs = httpsGatewayInputs({ gateways: 10, hostnames: 100, routesPerHostname: 10, services: 200, certificatePem });
  const samples = await time(() => translateAndEncodeAll(inputs), runs, 1);
  const sizes = translateAndEncodeAll(inputs);
  return {
    id: 'S1-translate-10gw-100https-10routes',
    description: 'translate + encode, 10 gateways x 100 HTTPS hostnames x 10 routes (10,000 MeshGatewayRoutes, 1,000 SNI filter chains), all gateways',
    metrics: {
      translateAndEncodeAll: summarize(samples),
      perGateway: summarize(samples.map((s) => s / inputs.length)),
      ...Object.fromEntries(Object.entries(sizes).map(([k, v]) => [`bytes.${k}`, v])),
    },
  };
}
