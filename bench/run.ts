// `npm run bench`: runs every benchmark scenario, prints medians, writes JSON to bench/results/.
// Usage: node dist/bench/run.js [scenario-id-substring ...]; an argument that is exactly a
// scenario id selects only that one (`scale-100` is not also `scale-1000`).
import { benchCertificateIssuance, benchSidecarGeneration, benchSidecarsEndpointChange } from './mesh.js';
import { benchPutToAck } from './put-to-ack.js';
import { benchDataplaneAuth } from './dataplane-auth.js';
import { benchEncode } from './encode.js';
import { benchTranslate } from './translate.js';
import { benchTranslateHttps } from './translate-https.js';
import { benchTlsConnect } from './tls-connect.js';
import { benchTlsMemory } from './tls-memory.js';
import { benchGenerationManyGateways, benchGenerationOneGateway, benchGenerationWithPolicies } from './generation.js';
import { benchScale, type ScaleOptions } from './scale.js';
import { benchMultizoneResync, benchMultizoneRouteChange } from './multizone.js';
import { benchIngressServices } from './ingress-services.js';
import { benchPostgresStore } from './postgres-store.js';
import { benchCliStart } from './cli-start.js';
import { writeResults, type BenchResult, type Summary } from './harness.js';

const SCALE_CHANGES = Number(process.env['BENCH_SCALE_CHANGES'] ?? 5);
const SCALE_RESTARTS = Number(process.env['BENCH_SCALE_RESTARTS'] ?? 3);
const SCALE_SCENARIOS: readonly (ScaleOptions & { readonly id: string })[] = [
  { id: 'scale-100', proxies: 100, mode: 'delta', changes: SCALE_CHANGES, restarts: 0 },
  { id: 'scale-1000', proxies: 1_000, mode: 'delta', changes: SCALE_CHANGES, restarts: 0 },
  { id: 'scale-1000-sotw', proxies: 1_000, mode: 'sotw', changes: SCALE_CHANGES, restarts: 0 },
  { id: 'scale-restart-1000', proxies: 1_000, mode: 'delta', changes: 0, restarts: SCALE_RESTARTS },
  // 10,000 proxies only when asked for: minutes of setup and gigabytes of memory.
  ...(process.env['BENCH_LARGE'] === '1' ? [{ id: 'scale-10000', proxies: 10_000, mode: 'delta' as const, changes: SCALE_CHANGES, restarts: 0 }] : []),
];

const SCENARIOS: readonly { readonly id: string; readonly run: () => Promise<BenchResult> }[] = [
  { id: 'translate-1000', run: () => benchTranslate(1_000) },
  { id: 'translate-10000', run: () => benchTranslate(10_000) },
  { id: 'encode-routes-10000', run: () => benchEncode(10_000) },
  { id: 'translate-https-10x100x10', run: () => benchTranslateHttps(10) },
  { id: 'put-to-ack', run: () => benchPutToAck(20) },
  { id: 'put-to-ack-debounce-10ms', run: () => benchPutToAck(20, 10) },
  { id: 'generation-1gw-50routes-1000replicas', run: () => benchGenerationOneGateway(1_000) },
  { id: 'generation-1gw-50routes-10000replicas', run: () => benchGenerationOneGateway(10_000) },
  { id: 'generation-1gw-1listener-10000routes-10replicas', run: () => benchGenerationOneGateway(10, 10_000, 1) },
  { id: 'generation-100gw-100routes', run: () => benchGenerationManyGateways(100, 100) },
  // Issue 11: the cost of classic connection policies, the same 100 gateways with 0, 100, 1,000 Timeouts.
  ...[0, 100, 1_000].map((n) => ({ id: `generation-100gw-100routes-${n}timeouts`, run: () => benchGenerationWithPolicies(n) })),
  { id: 'tls-connect', run: () => benchTlsConnect(50) },
  { id: 'tls-connection-memory', run: () => benchTlsMemory(1_000) },
  { id: 'ca-issue', run: () => benchCertificateIssuance(100) },
  { id: 'sidecar-50-outbounds', run: () => benchSidecarGeneration(50, 30) },
  { id: 'sidecars-1000-endpoint-change', run: () => benchSidecarsEndpointChange(1_000) },
  { id: 'dataplane-auth', run: () => benchDataplaneAuth(50) },
  // Issue 12: multi-zone sync (bench/multizone.ts).
  { id: 'multizone-route-change', run: () => benchMultizoneRouteChange(100, 20) },
  { id: 'multizone-resync-10000', run: () => benchMultizoneResync(10_000) },
  { id: 'ingress-services-10000', run: () => benchIngressServices(10_000) },
  // Issue 13: the Postgres store shared by replicas (bench/postgres-store.ts).
  { id: 'postgres-store-3-replicas', run: () => benchPostgresStore(300, 3) },
  // Issue 13: how fast the CLI starts (bench/cli-start.ts); BENCH_CLI_RUNS samples of each command.
  { id: 'cli-start', run: () => benchCliStart(Number(process.env['BENCH_CLI_RUNS'] ?? 15)) },
  // Scale (bench/scale.ts): the control plane in its own process, simulated Envoys in workers.
  ...SCALE_SCENARIOS.map((s) => ({ id: s.id, run: () => benchScale(s.id, s) })),
];

function describe(value: Summary | number | string): string {
  if (typeof value !== 'object') return String(value);
  return `median ${value.median} ${value.unit} (p90 ${value.p90}, min ${value.min}, max ${value.max}, n=${value.samples})`;
}

/** Whether a command-line filter selects a scenario: its exact id, else any id containing it. */
function selects(filter: string, id: string): boolean {
  return SCENARIOS.some((s) => s.id === filter) ? id === filter : id.includes(filter);
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const results: BenchResult[] = [];
  for (const s of SCENARIOS) {
    if (filters.length > 0 && !filters.some((f) => selects(f, s.id))) continue;
    const r = await s.run();
    results.push(r);
    process.stdout.write(`${r.id}: ${r.description}\n`);
    for (const [k, v] of Object.entries(r.metrics)) process.stdout.write(`  ${k}: ${describe(v)}\n`);
  }
  process.stdout.write(`results: ${writeResults(results)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
