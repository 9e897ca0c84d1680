// S1/S2 of docs/xds-server.md §20: translation + encoding time and encoded size for one gateway with
// 1,000 routes (the goal: < 50 ms for translate + encode). The pure steps are also timed apart
// (issue 9): translateOnly (resources -> IR), buildOnly (IR -> Envoy objects, no encoding) and
// both together, so that a change to one step shows in its own figure.
import { translateGateway } from '../src/gateway/translate-gateway.js';
import { encodeResource } from '../src/xds/envoy/encode.js';
import { buildEnvoyResources, RESOURCE_TYPE_URLS, type EnvoyResources } from '../src/xds/translator/translate.js';
import { gatewayInput } from './fixtures.js';
import { summarize, time, type BenchResult } from './harness.js';

function translateAndEncode(input: ReturnType<typeof gatewayInput>): Record<string, number> {
  const gw = translateGateway(input).gateway;
  if (!gw) throw new Error('fixture gateway did not match');
  const resources = buildEnvoyResources(gw, '127.0.0.1');
  const bytes: Record<string, number> = {};
  for (const key of Object.keys(resources) as (keyof EnvoyResources)[]) {
    bytes[key] = resources[key].reduce((n, r) => n + encodeResource(RESOURCE_TYPE_URLS[key], r.resource).byteLength, 0);
  }
  return bytes;
}

/** Translate + encode for 1 gateway x N routes, median of 20 runs. */
export async function benchTranslate(routes = 1_000): Promise<BenchResult> {
  const input = gatewayInput({ routes, hostnames: 10, services: 50 });
  const gw = translateGateway(input).gateway!;
  const envoyRoutes = gw.listeners.flatMap((l) => l.hostnameGroups.flatMap((g) => g.routeTable?.virtualHosts ?? [])).reduce((n, vh) => n + vh.routes.length, 0);
  // 10 warm-up runs: with 3, the first figure taken (translateOnly) still paid for JIT tiering at
  // 1,000 routes and came out slower than translateAndBuild measured after it.
  const translateOnly = await time(() => translateGateway(input), 20, 10);
  const buildOnly = await time(() => buildEnvoyResources(gw, '127.0.0.1'), 20, 10);
  const translateAndBuild = await time(() => buildEnvoyResources(translateGateway(input).gateway!, '127.0.0.1'), 20, 10);
  const full = await time(() => translateAndEncode(input), 20);
  const sizes = translateAndEncode(input);
  return {
    id: `S1-translate-1gw-${routes}routes`,
    description: `translate + encode, 1 gateway x ${routes} MeshGatewayRoutes (${envoyRoutes} Envoy routes, 10 hostnames, 50 services)`,
    metrics: {
      translateAndEncode: summarize(full),
      translateOnly: summarize(translateOnly),
      buildOnly: summarize(buildOnly),
      translateAndBuild: summarize(translateAndBuild),
      envoyRoutes,
      ...Object.fromEntries(Object.entries(sizes).map(([k, v]) => [`bytes.${k}`, v])),
      bytesPerEnvoyRoute: Math.round((sizes.routes ?? 0) / Math.max(1, envoyRoutes)),
    },
  };
}
