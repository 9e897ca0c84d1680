// What TLS on the dataplane port costs (docs/tls.md): generating the control plane's CA and
// serving certificate on a first start versus reusing them, and the time from opening an ADS
// stream to its first response over TLS versus plaintext (one new connection each, real gRPC on
// loopback, the harness's snapshot). Medians and the TLS/plaintext ratio are reported.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { namesOf } from '../src/ca/control-plane-certificate-spec.js';
import { ensureControlPlaneCertificates } from '../src/ca/control-plane-certificates.js';
import { TypeUrl } from '../src/xds/cache/resource-types.js';
import { buildSnapshot } from '../src/xds/cache/snapshot.js';
import { gatewayInput } from '../test/support/ads-fixtures.js';
import { startAdsHarness } from '../test/support/ads-harness.js';
import { summarize, type BenchResult } from './harness.js';

const logger = pino({ level: 'silent' });
const names = namesOf(['localhost', '127.0.0.1', '::1']);

async function certificateTimes(runs: number): Promise<{ generate: number[]; reuse: number[] }> {
  const generate: number[] = [];
  const reuse: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-bench-tls-'));
    try {
      let t = performance.now();
      await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
      generate.push(performance.now() - t);
      t = performance.now();
      await ensureControlPlaneCertificates({ dir, subjectAltNames: names, logger });
      reuse.push(performance.now() - t);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { generate, reuse };
}

async function firstResponseTimes(plaintext: boolean, runs: number): Promise<number[]> {
  const h = await startAdsHarness({ plaintext });
  h.cache.set('default.gw-1', buildSnapshot(gatewayInput()));
  const samples: number[] = [];
  try {
    for (let i = 0; i < runs + 3; i++) {
      const t = performance.now();
      const client = h.connect('default.gw-1', 'delta');
      client.subscribe(TypeUrl.Cluster);
      await client.waitFor(TypeUrl.Cluster);
      if (i >= 3) samples.push(performance.now() - t);
      client.close();
    }
  } finally {
    await h.close();
  }
  return samples;
}

/** Certificate generation and ADS first-response latency with and without TLS. */
export async function benchTlsConnect(runs = 50): Promise<BenchResult> {
  const certs = await certificateTimes(5);
  const tls = summarize(await firstResponseTimes(false, runs));
  const plain = summarize(await firstResponseTimes(true, runs));
  return {
    id: 'tls-connect',
    description: 'CA + serving certificate generation vs reuse; new ADS stream to first CDS response, TLS vs plaintext',
    metrics: {
      generateCertificates: summarize(certs.generate),
      reuseCertificates: summarize(certs.reuse),
      firstResponseTls: tls,
      firstResponsePlaintext: plain,
      tlsToPlaintextMedianRatio: Math.round((tls.median / plain.median) * 100) / 100,
    },
  };
}
