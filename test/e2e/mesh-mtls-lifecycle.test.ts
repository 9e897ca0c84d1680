// End to end with real Envoys (docs/mesh-mtls.md §1.6): turning mTLS on for a live mesh the recommended way
// (PERMISSIVE first, then STRICT) and certificate renewal. With a 1-minute dpCert lifetime the
// certificates are renewed at 80 % of it (48 s) and requests sent all along never fail.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_BEFORE_SKEW_MS } from '../../src/ca/mesh-ca.js';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { putResource, runDataplane, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, request, type Running } from '../support/processes.js';

/** Sends requests back to back until stopped; counts what failed. */
function trafficLoop(send: () => Promise<number>): { stop(): Promise<{ sent: number; failed: number }> } {
  let running = true;
  let sent = 0;
  let failed = 0;
  const loop = (async () => {
    while (running) {
      sent += 1;
      if ((await send()) !== 200) failed += 1;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { sent, failed };
    },
  };
}

/** A certificate Envoy holds: serial and start of validity. */
interface ClientCert {
  readonly serial: string;
  readonly validFromMs: number;
}

describe('turning mTLS on for a live mesh, and certificate renewal, with real Envoys', () => {
  let cp: ControlPlane;
  let backend: Backend;
  const envoys: Running[] = [];
  let dir = '';
  let outboundPort = 0;
  let clientAdminPort = 0;
  const put = (doc: Record<string, unknown>) => putResource(cp, doc);
  const mesh = (enabledBackend: string, mode = 'STRICT') => ({
    type: 'Mesh',
    name: 'default',
    mtls: { enabledBackend, backends: [{ name: 'ca-1', type: 'builtin', mode, dpCert: { rotation: { expiration: '1m' } } }] },
  });

  async function runSidecar(name: string, networking: Record<string, unknown>, adminPort: number): Promise<void> {
    envoys.push((await runDataplane(cp, dir, { type: 'Dataplane', mesh: 'default', name, networking }, adminPort)).process);
  }
  const send = () => request(`http://127.0.0.1:${outboundPort}/`).then((r) => r.status, () => 0);
  /** Serial numbers of the client sidecar's own certificates, from Envoy's admin `/certs`. */
  /** The client sidecar's workload certificate (the leaf of its chain), as Envoy's /certs shows it. */
  async function clientCert(): Promise<ClientCert | undefined> {
    const certs = JSON.parse((await request(`http://127.0.0.1:${clientAdminPort}/certs`)).body) as { certificates: { cert_chain?: { serial_number: string; valid_from: string }[] }[] };
    const leaf = certs.certificates.flatMap((c) => c.cert_chain ?? [])[0];
    return leaf && { serial: leaf.serial_number, validFromMs: Date.parse(leaf.valid_from) };
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-mtls-lifecycle-'));
    cp = await startTestControlPlane();
    await put(mesh(''));
    backend = await httpBackend('backend');
    outboundPort = await freePort();
    clientAdminPort = await freePort();
    await runSidecar('backend-1', {
      address: '127.0.0.1',
      inbound: [{ port: await freePort(), servicePort: backend.port, serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'http' } }],
    }, await freePort());
    await runSidecar('client-1', {
      address: '127.0.0.1',
      inbound: [{ port: await freePort(), servicePort: await freePort(), serviceAddress: '127.0.0.1', tags: { 'kuma.io/service': 'client' } }],
      outbound: [{ port: outboundPort, tags: { 'kuma.io/service': 'backend' } }],
    }, clientAdminPort);
    await eventually(async () => (await send()) === 200, 60_000, 'plaintext traffic before mTLS');
  }, 120_000);

  afterAll(() => tearDown(envoys, [backend], cp, dir));

  it('PERMISSIVE first: traffic never fails while mTLS comes on, and ends up over mTLS', async () => {
    const traffic = trafficLoop(send);
    await put(mesh('ca-1', 'PERMISSIVE'));
    await eventually(async () => String(backend.seen.at(-1)?.headers['x-forwarded-client-cert']).includes('URI=spiffe://default/client'), 30_000, 'requests arriving over mTLS');
    // Keep sending a while over mTLS: the switch itself may take only a few requests' time.
    await new Promise((r) => setTimeout(r, 2_000));
    const { sent, failed } = await traffic.stop();
    expect(sent).toBeGreaterThan(10);
    expect(failed).toBe(0);
  });

  it('then STRICT: traffic continues over mTLS', async () => {
    await put(mesh('ca-1', 'STRICT'));
    await eventually(async () => (await send()) === 200, 30_000, 'traffic in STRICT');
    expect(String(backend.seen.at(-1)?.headers['x-forwarded-client-cert'])).toContain('URI=spiffe://default/client');
  });

  it('renews certificates at 80 % of a 1-minute lifetime, without a failed request', async () => {
    const traffic = trafficLoop(send);
    // The switch to STRICT reissued every certificate (mTLS settings changed), and on a loaded
    // machine that reissue may still be on its way. A new certificate within 30 s of the one it
    // replaces is such a reissue and becomes the baseline; the renewal comes 80 % into the
    // baseline's lifetime, about 48 s after it was issued.
    let baseline: ClientCert | undefined;
    await eventually(async () => (baseline = await clientCert()) !== undefined, 30_000, 'a certificate in the client sidecar');
    let renewedAtAgeMs = 0;
    await eventually(async () => {
      const now = await clientCert();
      if (now === undefined || now.serial === baseline!.serial) return false;
      const ageMs = Date.now() - (baseline!.validFromMs + NOT_BEFORE_SKEW_MS);
      if (ageMs < 30_000) {
        baseline = now;
        return false;
      }
      renewedAtAgeMs = ageMs;
      return true;
    }, 110_000, 'a renewed certificate in the client sidecar');
    await new Promise((r) => setTimeout(r, 2_000));
    const { sent, failed } = await traffic.stop();
    // valid_from has whole seconds: allow a second either way around 48 s.
    expect(renewedAtAgeMs).toBeGreaterThan(40_000);
    expect(renewedAtAgeMs).toBeLessThan(58_000);
    expect(sent).toBeGreaterThan(100);
    expect(failed).toBe(0);
  }, 150_000);
});
