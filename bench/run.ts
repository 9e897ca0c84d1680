// `npm run bench`: runs every benchmark scenario, prints medians, writes JSON to bench/results/.
// Usage: node dist/bench/run.js [scenario-id-substring ...]
import { benchPutToAck } from './put-to-ack.js';
import { benchDataplaneAuth } from './dataplane-auth.js';
import { benchEncode } from './encode.js';
import { benchTranslate } from './translate.js';
import { benchTranslateHttps } from './translate-https.js';
import { benchTlsConnect } from './tls-connect.js';
import { benchGenerationManyGateways, benchGenerationOneGateway } from './generation.js';
import { writeResults, type BenchResult, type Summary } from './harness.js';

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
  { id: 'tls-connect', run: () => benchTlsConnect(50) },
  { id: 'dataplane-auth', run: () => benchDataplaneAuth(50) },
];

function describe(value: Summary | number | string): string {
  if (typeof value !== 'object') return String(value);
  return `median ${value.median} ${value.unit} (p90 ${value.p90}, min ${value.min}, max ${value.max}, n=${value.samples})`;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const results: BenchResult[] = [];
  for (const s of SCENARIOS) {
    if (filters.length > 0 && !filters.some((f) => s.id.includes(f))) continue;
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
