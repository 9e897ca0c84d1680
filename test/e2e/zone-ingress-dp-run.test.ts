// End to end with a real Envoy (docs/multizone.md "Zone ingresses"): a zone
// control plane, a zone token of scope ingress, and `portico dp run --proxy-type ingress` with a
// ZoneIngress file. The ingress registers itself, the zone fills its available services from a
// sidecar Dataplane, and the Envoy, node `.ingress-1`, receives the ingress configuration: its
// listener and the cluster of the available service.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/runtime/control-plane.js';
import { putResource, startTestControlPlane, tearDown } from '../support/mesh-proxies.js';
import { eventually, freePort, PORTICO_BIN, request, start, type Running } from '../support/processes.js';

describe('a zone ingress run with portico dp run --proxy-type ingress', () => {
  let cp: ControlPlane;
  let envoy: Running | undefined;
  let dir = '';
  let ingressPort = 0;
  let adminPort = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-ingress-'));
    cp = await startTestControlPlane({ multizone: { mode: 'zone', zone: 'zone-1' } });
    await putResource(cp, { type: 'Mesh', name: 'default' });
    await putResource(cp, {
      type: 'Dataplane',
      mesh: 'default',
      name: 'backend-1',
      networking: { address: '127.0.0.1', inbound: [{ port: await freePort(), servicePort: await freePort(), tags: { 'kuma.io/service': 'backend', 'kuma.io/zone': 'zone-1' } }] },
    });
    const res = await fetch(`http://127.0.0.1:${cp.apiPort}/tokens/zone`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ zone: 'zone-1', scope: ['ingress'] }) });
    expect(res.status).toBe(200);
    const tokenFile = path.join(dir, 'ingress.token');
    writeFileSync(tokenFile, await res.text(), { mode: 0o600 });
    ingressPort = await freePort();
    adminPort = await freePort();
    const file = path.join(dir, 'ingress-1.yaml');
    writeFileSync(file, `type: ZoneIngress\nname: ingress-1\nnetworking:\n  address: 127.0.0.1\n  port: ${ingressPort}\n  advertisedAddress: 127.0.0.1\n  advertisedPort: ${ingressPort}\n`);
    envoy = start(process.execPath, [
      PORTICO_BIN, 'dp', 'run', '--proxy-type', 'ingress', '--cp', `https://127.0.0.1:${cp.xdsPort}`, '--ca-cert-file', cp.caFile!,
      '--dataplane-file', file, '--dataplane-token-file', tokenFile, '--admin-port', String(adminPort), '--log-level', 'warn', '--drain-time', '1',
    ]);
  }, 60_000);

  afterAll(() => tearDown(envoy ? [envoy] : [], [], cp, dir));

  it('registers, gets its available services, and its Envoy receives the ingress listener and cluster', async () => {
    let dump = '';
    await eventually(
      async () => {
        const r = await request(`http://127.0.0.1:${adminPort}/config_dump`).catch(() => undefined);
        dump = r?.body ?? '';
        return dump.includes(`inbound:127.0.0.1:${ingressPort}`) && dump.includes('"default:backend"');
      },
      60_000,
      'the ingress Envoy to receive its listener and the cluster default:backend',
    );
    const config = JSON.parse(dump) as { configs: Array<{ bootstrap?: { node: { id: string; cluster: string } } }> };
    expect(config.configs.find((c) => c.bootstrap)?.bootstrap?.node).toMatchObject({ id: '.ingress-1', cluster: 'ingress' });
    const ingress = await (await fetch(`http://127.0.0.1:${cp.apiPort}/zone-ingresses/ingress-1`)).json();
    expect(ingress).toMatchObject({ name: 'ingress-1', availableServices: [{ mesh: 'default', instances: 1, tags: { 'kuma.io/service': 'backend', 'kuma.io/zone': 'zone-1' } }] });
  }, 90_000);
});
