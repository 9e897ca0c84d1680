// End to end with the real Envoy: a configuration Envoy rejects reaches it, and the REST statuses
// say so with Envoy's own reason. The control plane runs in-process so the test can write a
// MeshGatewayRoute straight to its store, past write-time validation: a path REGEX with a
// lookahead, which RE2 refuses, stands for a resource accepted by an older version. Envoy NACKs the
// RouteConfiguration, keeps serving its last good one, and once the route is fixed through the REST
// API it ACKs and the statuses return to Programmed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { httpBackend, type Backend } from '../support/backends.js';
import { dataplaneTokenFile } from '../support/dataplane-tokens.js';
import { eventually, freePort, PORTICO_BIN, request, start, type Running } from '../support/processes.js';
import type { Condition, ResourceStatus } from '../../src/gateway/status.js';

/** What GET .../status answers (the REST API serves gateway/status.ts's shape). */
type Status = ResourceStatus;

const REJECTED_REGEX = '/(?=a)b';

describe('a configuration the real Envoy rejects is visible in the statuses', () => {
  let cp: ControlPlane;
  let backend: Backend;
  let envoy: Running;
  let gatewayPort = 0;
  let dir = '';
  const api = (p: string) => `http://127.0.0.1:${cp.apiPort}${p}`;

  async function put(doc: Record<string, unknown>): Promise<void> {
    const url = doc.type === 'Mesh' ? api(`/meshes/${String(doc.name)}`) : api(`/meshes/${String(doc.mesh)}/${String(doc.type).toLowerCase()}s/${String(doc.name)}`);
    const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
    expect(res.status, await res.text()).toBeLessThan(300);
  }

  function route(rules: unknown[]): Record<string, unknown> {
    return { type: 'MeshGatewayRoute', mesh: 'default', name: 'api', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { http: { rules } } };
  }
  const prefixRule = (value: string) => ({ matches: [{ path: { match: 'PREFIX', value } }], backends: [{ destination: { 'kuma.io/service': 'backend' } }] });

  async function status(kindPath: string): Promise<Status> {
    const res = await fetch(api(`/meshes/default/${kindPath}/status`));
    if (res.status !== 200) throw new Error(`${kindPath}: HTTP ${res.status}`);
    return (await res.json()) as Status;
  }
  const programmed = async (kindPath: string) => (await status(kindPath)).conditions.find((c) => c.type === 'Programmed');
  const servedBy = async (p: string) => {
    const r = await request(`http://127.0.0.1:${gatewayPort}${p}`);
    return r.status === 200 ? (JSON.parse(r.body) as { name: string }).name : `status ${r.status}`;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portico-nack-'));
    cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, debounceMs: 10, nackBackoffMs: 500, logger: pino({ level: 'silent' }) });
    backend = await httpBackend('backend');
    gatewayPort = await freePort();
    await put({ type: 'Mesh', name: 'default' });
    await put({ type: 'Dataplane', mesh: 'default', name: 'backend-1', networking: { address: '127.0.0.1', inbound: [{ port: backend.port, tags: { 'kuma.io/service': 'backend' } }] } });
    await put({
      type: 'MeshGateway',
      mesh: 'default',
      name: 'edge',
      selectors: [{ match: { 'kuma.io/service': 'edge' } }],
      conf: { listeners: [{ port: gatewayPort, protocol: 'HTTP' }] },
    });
    await put(route([prefixRule('/api')]));
    const dpFile = path.join(dir, 'gw-1.yaml');
    writeFileSync(dpFile, ['type: Dataplane', 'mesh: default', 'name: gw-1', 'networking:', '  address: 127.0.0.1', '  gateway:', '    type: BUILTIN', '    tags:', "      kuma.io/service: edge", ''].join('\n'));
    const admin = await freePort();
    const tokenFile = await dataplaneTokenFile(`http://127.0.0.1:${cp.apiPort}`, 'default', 'gw-1', dir);
    envoy = start(process.execPath, [
      PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${cp.xdsPort}`, '--ca-cert-file', cp.caFile!, '--dataplane-file', dpFile, '--dataplane-token-file', tokenFile,
      '--admin-port', String(admin), '--log-level', 'warn', '--drain-time', '1',
    ]);
    await eventually(async () => (await servedBy('/api')) === 'backend', 45_000, 'traffic through the gateway');
  }, 90_000);

  afterAll(async () => {
    await envoy?.stop();
    await backend?.close();
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("says Rejected with Envoy's reason, keeps traffic on the last good config, and recovers once fixed", async () => {
    await eventually(async () => (await programmed('meshgateways/edge'))?.status === 'True', 20_000, 'Programmed=True before the fault');

    // Fault injection: straight into the store, as if written by a version without RE2 checks.
    const stored = await cp.store.get({ kind: 'MeshGatewayRoute', mesh: 'default', name: 'api' });
    expect(stored).toBeDefined();
    const rules = stored!.spec.conf.http!.rules;
    // The stored (normalised) form of the first rule, with the path condition swapped for the regex.
    const regexRule = { ...rules[0]!, matches: [{ ...rules[0]!.matches[0]!, path: { match: 'REGEX' as const, value: REJECTED_REGEX } }] };
    await cp.store.put({ kind: 'MeshGatewayRoute', mesh: 'default', name: 'api', spec: { ...stored!.spec, conf: { http: { ...stored!.spec.conf.http!, rules: [...rules, regexRule] } } } });

    let gateway: Condition | undefined;
    await eventually(async () => {
      gateway = await programmed('meshgateways/edge');
      return gateway?.reason === 'Rejected';
    }, 20_000, 'Programmed=False/Rejected on the MeshGateway');
    expect(gateway).toMatchObject({ status: 'False', reason: 'Rejected' });
    expect(gateway!.message).toMatch(new RegExp(`^1/1 proxies rejected the configuration: RouteConfiguration "edge:HTTP:${gatewayPort}:\\*": `));
    expect(gateway!.message).toContain('invalid perl operator: (?=');
    const routeStatus = await status('meshgatewayroutes/api');
    expect(routeStatus.conditions.find((c) => c.type === 'Programmed')).toMatchObject({ status: 'False', reason: 'Rejected', message: gateway!.message });
    expect(routeStatus.proxies).toMatchObject({ selected: 1, rejected: 1 });

    // The Dataplane's insight names the NACK too.
    const insight = (await (await fetch(api('/meshes/default/dataplanes+insights/gw-1'))).json()) as {
      dataplaneInsight: { subscriptions: { status: Record<string, { lastNack?: { type: string; message: string; resources: string[] } }> }[] };
    };
    expect(insight.dataplaneInsight.subscriptions[0]?.status['rds']?.lastNack).toMatchObject({ type: 'RouteConfiguration', resources: [`edge:HTTP:${gatewayPort}:*`] });
    expect(insight.dataplaneInsight.subscriptions[0]?.status['rds']?.lastNack?.message).toContain('invalid perl operator: (?=');

    // Envoy keeps its last good RouteConfiguration: traffic still flows.
    expect(await servedBy('/api')).toBe('backend');

    // The user fixes the route through the REST API; Envoy ACKs it and the statuses recover.
    await put(route([prefixRule('/api'), prefixRule('/fixed')]));
    await eventually(async () => (await programmed('meshgateways/edge'))?.status === 'True', 20_000, 'Programmed=True after the fix');
    expect(await programmed('meshgatewayroutes/api')).toMatchObject({ status: 'True', reason: 'Programmed', message: '1/1 proxies acknowledged the current configuration' });
    expect(await servedBy('/fixed')).toBe('backend');
  });
});
