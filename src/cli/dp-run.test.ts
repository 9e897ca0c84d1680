import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapRequest, controlPlaneCa, fetchBootstrap, type DpRunOptions } from './dp-run.js';
import { generateTestTls, testTls } from '../../test/support/tls-fixtures.js';

const base: DpRunOptions = {
  cp: 'http://127.0.0.1:5678',
  adminPort: 9901,
  xds: 'delta',
  logLevel: 'info',
  drainTime: 30,
  bootstrapTimeout: 5,
};

describe('bootstrapRequest', () => {
  it('takes mesh and name from a universal Dataplane file and sends the file itself', () => {
    const file = 'type: Dataplane\nmesh: default\nname: gw-1\nnetworking: {address: 127.0.0.1}\n';
    const body = bootstrapRequest({ ...base, dataplaneFile: 'dp.yaml' }, () => file);
    expect(body).toMatchObject({ mesh: 'default', name: 'gw-1', dataplaneResource: file, adminPort: 9901, xdsTransport: 'delta' });
  });

  it('accepts --mesh and --name without a file', () => {
    expect(bootstrapRequest({ ...base, mesh: 'm', name: 'n' })).toMatchObject({ mesh: 'm', name: 'n' });
    expect(bootstrapRequest({ ...base, mesh: 'm', name: 'n' }).dataplaneResource).toBeUndefined();
  });

  it('--proxy-type ingress: a ZoneIngress file, a name and no mesh', () => {
    const file = 'type: ZoneIngress\nname: ingress-1\nnetworking: {address: 192.168.0.10, port: 10001}\n';
    const body = bootstrapRequest({ ...base, proxyType: 'ingress', dataplaneFile: 'ingress.yaml' }, () => file);
    expect(body).toMatchObject({ mesh: '', name: 'ingress-1', proxyType: 'ingress', dataplaneResource: file });
    expect(bootstrapRequest({ ...base, proxyType: 'ingress', name: 'ingress-1' })).toMatchObject({ mesh: '', name: 'ingress-1', proxyType: 'ingress' });
    expect(() => bootstrapRequest({ ...base, proxyType: 'ingress', mesh: 'default', name: 'i' })).toThrow('a zone ingress has no mesh');
    expect(() => bootstrapRequest({ ...base, proxyType: 'ingress' })).toThrow('a zone ingress needs a name');
    expect(bootstrapRequest({ ...base, mesh: 'm', name: 'n' }).proxyType).toBe('dataplane');
  });

  it('rejects a request without mesh or name', () => {
    expect(() => bootstrapRequest({ ...base, mesh: 'm' })).toThrow(/needs a mesh and a name/);
  });

  it('sends the dataplane token from --dataplane-token-file (trimmed) or --dataplane-token', () => {
    const files: Record<string, string> = { '/run/token': 'header.payload.sig\n', '/run/empty': ' \n' };
    const read = (p: string) => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
      return text;
    };
    expect(bootstrapRequest({ ...base, mesh: 'm', name: 'n', dataplaneTokenFile: '/run/token' }, read).dataplaneToken).toBe('header.payload.sig');
    expect(bootstrapRequest({ ...base, mesh: 'm', name: 'n', dataplaneToken: 'a.b.c' }).dataplaneToken).toBe('a.b.c');
    expect(bootstrapRequest({ ...base, mesh: 'm', name: 'n' }).dataplaneToken).toBeUndefined();
    expect(() => bootstrapRequest({ ...base, mesh: 'm', name: 'n', dataplaneTokenFile: '/run/empty' }, read)).toThrow('the dataplane token file /run/empty is empty');
    expect(() => bootstrapRequest({ ...base, mesh: 'm', name: 'n', dataplaneTokenFile: '/run/none' }, read)).toThrow('cannot read the dataplane token file /run/none: ENOENT');
    expect(() => bootstrapRequest({ ...base, mesh: 'm', name: 'n', dataplaneToken: 'x', dataplaneTokenFile: '/run/token' }, read)).toThrow('not both');
  });
});

describe('fetchBootstrap', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  function serve(statuses: number[]): Promise<{ url: string; calls: () => number }> {
    let calls = 0;
    server = http.createServer((req, res) => {
      const status = statuses[Math.min(calls, statuses.length - 1)] ?? 200;
      calls += 1;
      req.resume();
      res.writeHead(status).end(status === 200 ? 'node: {id: default.gw}\n' : 'Dataplane not found');
    });
    return new Promise((resolve) =>
      server!.listen(0, '127.0.0.1', () =>
        resolve({ url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, calls: () => calls }),
      ),
    );
  }

  const body = bootstrapRequest({ ...base, mesh: 'default', name: 'gw' });

  it('retries 404 until the Dataplane exists', async () => {
    const s = await serve([404, 404, 200]);
    await expect(fetchBootstrap(s.url, body, 5_000, 10)).resolves.toContain('default.gw');
    expect(s.calls()).toBe(3);
  });

  it('does not retry 422', async () => {
    const s = await serve([422]);
    await expect(fetchBootstrap(s.url, body, 5_000, 10)).rejects.toThrow(/422/);
    expect(s.calls()).toBe(1);
  });

  it('gives up after the timeout with the last error', async () => {
    const s = await serve([503]);
    await expect(fetchBootstrap(s.url, body, 1500, 10)).rejects.toThrow(/503/);
    expect(s.calls()).toBeGreaterThan(1);
  });
});

describe('fetchBootstrap over https', () => {
  let server: https.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function serveTls(): Promise<string> {
    const { serving } = await testTls();
    server = https.createServer({ ...serving, minVersion: 'TLSv1.2' }, (req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => res.writeHead(200).end(`caCert sent: ${(JSON.parse(text) as { caCert?: string }).caCert ? 'yes' : 'no'}`));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('verifies the control plane by the given CA and sends that CA in caCert', async () => {
    const url = await serveTls();
    const body = bootstrapRequest({ ...base, mesh: 'default', name: 'gw' }, undefined, (await testTls()).caPem);
    await expect(fetchBootstrap(url, body, 5_000, 10)).resolves.toBe('caCert sent: yes');
  });

  it('refuses a control plane its CA did not sign', async () => {
    const url = await serveTls();
    const body = bootstrapRequest({ ...base, mesh: 'default', name: 'gw' }, undefined, (await generateTestTls()).caPem);
    await expect(fetchBootstrap(url, body, 100, 20)).rejects.toThrow(/cannot reach the control plane .*(self-signed|unable to verify|unable to get local issuer)/);
  });

  it('without a CA: encrypts without verifying, as Kuma does', async () => {
    const url = await serveTls();
    await expect(fetchBootstrap(url, bootstrapRequest({ ...base, mesh: 'default', name: 'gw' }), 5_000, 10)).resolves.toBe('caCert sent: no');
  });
});

describe('controlPlaneCa', () => {
  it('reads --ca-cert-file, else takes the PEM from the environment; an unreadable file is an error', () => {
    expect(controlPlaneCa({ ...base, caCertFile: '/ca.crt' }, 'ENV', (p) => `file ${p}`)).toBe('file /ca.crt');
    expect(controlPlaneCa(base, 'ENV')).toBe('ENV');
    expect(controlPlaneCa(base, undefined)).toBeUndefined();
    expect(() => controlPlaneCa({ ...base, caCertFile: '/nonexistent/ca.crt' }, undefined)).toThrow('cannot read --ca-cert-file /nonexistent/ca.crt: ENOENT');
  });
});

describe('environmentDefaults', () => {
  it('reads the gateway pod environment with Kuma variable names', async () => {
    const { environmentDefaults } = await import('./dp-run.js');
    expect(
      environmentDefaults({
        KUMA_CONTROL_PLANE_URL: 'http://portico-control-plane.portico-system:5678',
        KUMA_DATAPLANE_MESH: 'default',
        POD_NAME: 'edge-gateway-7d9f-abcde',
        POD_NAMESPACE: 'ingress',
        KUMA_DATAPLANE_DRAIN_TIME: '30s',
      }),
    ).toMatchObject({ cp: 'http://portico-control-plane.portico-system:5678', mesh: 'default', name: 'edge-gateway-7d9f-abcde.ingress', drainTime: 30, readyAddress: undefined });
    expect(environmentDefaults({ KUMA_DATAPLANE_NAME: 'explicit', POD_NAME: 'p', POD_NAMESPACE: 'n' }).name).toBe('explicit');
    expect(environmentDefaults({})).toEqual({ cp: undefined, mesh: undefined, name: undefined, drainTime: undefined, readyAddress: undefined, caCertFile: undefined, caCert: undefined });
    expect(environmentDefaults({ KUMA_DATAPLANE_PROXY_TYPE: 'ingress' }).proxyType).toBe('ingress');
    expect(environmentDefaults({ KUMA_CONTROL_PLANE_CA_CERT_FILE: '/ca.crt', KUMA_CONTROL_PLANE_CA_CERT: 'PEM' })).toMatchObject({ caCertFile: '/ca.crt', caCert: 'PEM' });
    expect(environmentDefaults({ INSTANCE_IP: '10.1.2.3' }).readyAddress).toBe('10.1.2.3');
    expect(environmentDefaults({ KUMA_DATAPLANE_RUNTIME_TOKEN_PATH: '/t', KUMA_DATAPLANE_RUNTIME_TOKEN: 'tok' })).toMatchObject({ dataplaneTokenFile: '/t', dataplaneToken: 'tok' });
  });
});
