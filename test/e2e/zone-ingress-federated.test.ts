// A zone ingress on a federated zone, end to end (docs/multizone.md "Zone ingresses"): the global
// issues the zone token of scope ingress, the zone verifies it with the public key the global synced
// (it holds no private key), registers the ingress that `portico dp run --proxy-type ingress` sends,
// fills its available services from the zone's Dataplane, and sends it to the global, which stores
// it pinned to the zone under its hashed name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply, list, startGlobalCp, startZoneCp, zoneTokenFile, type GlobalCp, type ZoneCp } from '../support/multizone.js';
import { eventually, freePort, PORTICO_BIN, request, start, type Running } from '../support/processes.js';

describe('a zone ingress of a federated zone', () => {
  const processes: Running[] = [];
  let work = '';
  let global: GlobalCp;
  let zone: ZoneCp;
  let adminPort = 0;
  let ingressPort = 0;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'portico-mz-ingress-'));
    global = { dataDir: path.join(work, 'global'), apiPort: await freePort(), kdsPort: await freePort() };
    const globalCp = startGlobalCp(global);
    processes.push(globalCp);
    await globalCp.waitFor(/control plane ready/);
    await apply(global.apiPort, 'type: Mesh\nname: default\n');
    zone = { name: 'zone-1', dataDir: path.join(work, 'zone-1'), apiPort: await freePort(), xdsPort: await freePort(), tokenFile: await zoneTokenFile(global, 'zone-1', 'cp', work) };
    const zoneCp = startZoneCp(global, zone);
    processes.push(zoneCp);
    await zoneCp.waitFor(/control plane ready/);
    // The Mesh and the zone-token public key arrive from the global.
    await eventually(async () => (await list(zone.apiPort, '/meshes')).length === 1, 30_000, 'the Mesh synced to the zone');
    await apply(zone.apiPort, `type: Dataplane\nmesh: default\nname: backend-1\nnetworking:\n  address: 127.0.0.1\n  inbound:\n  - port: ${await freePort()}\n    servicePort: ${await freePort()}\n    tags: {kuma.io/service: backend, kuma.io/zone: zone-1}\n`);

    const ingressToken = await zoneTokenFile(global, 'zone-1', 'ingress', work);
    ingressPort = await freePort();
    adminPort = await freePort();
    const file = path.join(work, 'ingress-1.yaml');
    writeFileSync(file, `type: ZoneIngress\nname: ingress-1\nnetworking:\n  address: 127.0.0.1\n  port: ${ingressPort}\n  advertisedAddress: 127.0.0.1\n  advertisedPort: ${ingressPort}\n`);
    processes.push(
      start(process.execPath, [
        PORTICO_BIN, 'dp', 'run', '--proxy-type', 'ingress', '--cp', `https://127.0.0.1:${zone.xdsPort}`, '--ca-cert-file', path.join(zone.dataDir, 'tls', 'ca.crt'),
        '--dataplane-file', file, '--dataplane-token-file', ingressToken, '--admin-port', String(adminPort), '--log-level', 'warn', '--drain-time', '1',
      ]),
    );
  }, 120_000);

  afterAll(async () => {
    for (const p of [...processes].reverse()) await p.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('registers with the global-issued token, lists the zone’s services, and reaches the global pinned to the zone', async () => {
    const dump = async () => (await request(`http://127.0.0.1:${adminPort}/config_dump`).catch(() => ({ body: '' }))).body;
    await eventually(async () => (await dump()).includes(`inbound:127.0.0.1:${ingressPort}`), 60_000, 'the ingress Envoy to receive its listener').catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${processes.map((p) => p.output().slice(-1500)).join('\n-----\n')}`);
    });
    const services = [{ mesh: 'default', instances: 1, tags: { 'kuma.io/service': 'backend', 'kuma.io/zone': 'zone-1' } }];
    await eventually(async () => isDeepStrictEqual((await list(zone.apiPort, '/zone-ingresses'))[0]?.['availableServices'], services), 10_000, "the zone's list in its ingress");
    const own = (await list(zone.apiPort, '/zone-ingresses'))[0]!;
    expect(own).toMatchObject({ name: 'ingress-1', labels: { 'kuma.io/origin': 'zone', 'kuma.io/zone': 'zone-1' } });
    expect(own['zone']).toBeUndefined();
    await eventually(async () => (await list(global.apiPort, '/zone-ingresses')).length === 1, 20_000, 'the ingress on the global');
    await eventually(async () => isDeepStrictEqual((await list(global.apiPort, '/zone-ingresses'))[0]?.['availableServices'], services), 20_000, 'the services on the global');
    const copy = (await list(global.apiPort, '/zone-ingresses'))[0]!;
    expect(copy).toMatchObject({ zone: 'zone-1', labels: { 'kuma.io/display-name': 'ingress-1', 'kuma.io/zone': 'zone-1' } });
    expect(String(copy['name'])).toMatch(/^ingress-1-[a-z0-9]{16}$/);
  }, 120_000);
});
