// POST /bootstrap over HTTP/1.1 on the same TLS port as ADS (docs/xds-server.md §16), verified by the
// control plane's CA, and the TLS it puts into the bootstrap's ads_cluster.
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pino } from 'pino';
import { startAdsHarness } from '../support/ads-harness.js';
import type { AdsHarness } from '../support/ads-harness.js';
import { gatewayInput } from '../support/ads-fixtures.js';
import { encodeProtoJson, ensureProtoLoaded } from '../support/proto-json.js';
import { httpCall } from '../support/https-request.js';
import { testTls, type TestTls } from '../support/tls-fixtures.js';
import { createBootstrapHandler } from '../../src/xds/server/bootstrap-endpoint.js';
import type { BootstrapRequest } from '../../src/xds/server/bootstrap-request.js';
import { credentialAuthentication, NO_AUTHENTICATION, type ProxyAuthentication, type ProxyAuthRequest } from '../../src/xds/server/proxy-authentication.js';
import { buildSnapshot } from '../../src/xds/cache/snapshot.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';

ensureProtoLoaded('envoy/extensions/resource_monitors/fixed_heap/v3/fixed_heap.proto');
ensureProtoLoaded('envoy/extensions/transport_sockets/tls/v3/tls.proto');

const DATAPLANE = `type: Dataplane
mesh: default
name: gw-1
networking:
  address: 10.0.0.7
  gateway:
    type: BUILTIN
    tags:
      kuma.io/service: edge
`;

let h: AdsHarness | undefined;
const resolved: BootstrapRequest[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  resolved.length = 0;
});

let tlsFixture: TestTls | undefined;

async function start(plaintext = false, authentication: ProxyAuthentication = NO_AUTHENTICATION): Promise<string> {
  tlsFixture = await testTls();
  const bootstrapHandler = createBootstrapHandler({
    logger: pino({ level: 'silent' }),
    authentication,
    servingCertificate: () => tlsFixture?.serving.cert,
    resolveDataplane: async (request) => {
      resolved.push(request);
      if (request.name === 'unknown') return { ok: false, status: 404, message: 'Dataplane entity not found' };
      return { ok: true, service: 'edge', isGateway: true };
    },
  });
  h = await startAdsHarness({ bootstrapHandler, plaintext });
  return h.baseUrl;
}

const post = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  httpCall(`${base}/bootstrap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ca: h!.caPem,
  });

const TLS_CONTEXT_TYPE = { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext' };

describe('POST /bootstrap', () => {
  it('answers raw YAML on the ADS port, and ADS keeps working on it', async () => {
    const base = await start();
    const res = await post(base, { mesh: 'default', name: 'gw-1', proxyType: 'gateway', dataplaneResource: DATAPLANE, resources: { maxHeapSizeBytes: 268435456 } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/x-yaml');
    expect(res.headers['kuma-bootstrap-version']).toBe('3');
    const bootstrap = parse(res.body);
    expect(() => encodeProtoJson('envoy.config.bootstrap.v3.Bootstrap', bootstrap)).not.toThrow();
    expect(bootstrap.node).toMatchObject({ id: 'default.gw-1', cluster: 'edge' });
    expect(JSON.parse(bootstrap.node.metadata['dataplane.resource'])).toMatchObject({ name: 'gw-1', networking: { address: '10.0.0.7' } });
    expect(bootstrap.dynamic_resources.ads_config.api_type).toBe('DELTA_GRPC');
    const ads = bootstrap.static_resources.clusters[0];
    expect(ads.type).toBe('STATIC');
    expect(ads.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: '127.0.0.1', port_value: h!.port.port });
    expect(bootstrap.overload_manager.actions).toHaveLength(2);
    expect(resolved.map((r) => [r.mesh, r.name, r.proxyType])).toEqual([['default', 'gw-1', 'gateway']]);

    h!.cache.set('default.gw-1', buildSnapshot(gatewayInput()));
    const client = h!.connect('default.gw-1', 'delta');
    client.subscribe(TypeUrl.Cluster);
    expect((await client.waitFor(TypeUrl.Cluster)).resources.map((r) => r.name)).toEqual(['a']);
  });

  it('answers {bootstrap, kumaSidecarConfiguration} for Accept: application/json, SotW on request', async () => {
    const base = await start();
    const res = await post(base, { dataplaneResource: DATAPLANE, xdsTransport: 'sotw' }, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const body = JSON.parse(res.body) as { bootstrap: string; kumaSidecarConfiguration: unknown };
    expect(body.kumaSidecarConfiguration).toEqual({
      networking: { isUsingTransparentProxy: false, corefileTemplate: '', address: '10.0.0.7' },
      metrics: { aggregate: [] },
    });
    const bootstrap = parse(body.bootstrap);
    expect(bootstrap.node.id).toBe('default.gw-1');
    expect(bootstrap.dynamic_resources.ads_config.api_type).toBe('GRPC');
    expect(() => encodeProtoJson('envoy.config.bootstrap.v3.Bootstrap', bootstrap)).not.toThrow();
  });

  it('answers 404 when the Dataplane is not found yet (the agent retries)', async () => {
    const base = await start();
    const res = await post(base, { mesh: 'default', name: 'unknown' });
    expect([res.status, res.body]).toEqual([404, 'Dataplane entity not found']);
  });

  it('answers 422 for invalid requests without asking the resolver', async () => {
    const base = await start();
    const badJson = await post(base, '{not json');
    expect(badJson.status).toBe(422);
    expect(badJson.body).toMatch(/^invalid JSON/);
    const noName = await post(base, { mesh: 'default' });
    expect([noName.status, noName.body]).toEqual([422, 'name: cannot be empty']);
    expect(resolved).toEqual([]);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const base = await start();
    expect((await httpCall(`${base}/other`, { method: 'POST', body: '{}', ca: h!.caPem })).status).toBe(404);
    expect((await httpCall(`${base}/bootstrap`, { ca: h!.caPem })).status).toBe(405);
  });

  it('gives ads_cluster TLS: SNI and an exact IP SAN for the dialled host, ALPN h2, TLS 1.2+, trusting only the sent CA', async () => {
    const base = await start();
    const res = await post(base, { dataplaneResource: DATAPLANE, caCert: h!.caPem });
    expect(res.status, res.body).toBe(200);
    const bootstrap = parse(res.body);
    expect(() => encodeProtoJson('envoy.config.bootstrap.v3.Bootstrap', bootstrap)).not.toThrow();
    expect(bootstrap.static_resources.clusters[0].transport_socket).toEqual({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        ...TLS_CONTEXT_TYPE,
        sni: '127.0.0.1',
        common_tls_context: {
          tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
          alpn_protocols: ['h2'],
          validation_context: {
            trusted_ca: { inline_string: h!.caPem },
            match_typed_subject_alt_names: [{ san_type: 'IP_ADDRESS', matcher: { exact: '127.0.0.1' } }],
          },
        },
      },
    });
  });

  it('answers 400 for a caCert that is not a CA, and for a host the served certificate does not name', async () => {
    const base = await start();
    const notCa = await post(base, { dataplaneResource: DATAPLANE, caCert: tlsFixture!.serving.cert });
    expect(notCa.status).toBe(400);
    expect(notCa.body).toMatch(/^caCert: this certificate is not a certificate authority/);
    const otherHost = await post(base, { dataplaneResource: DATAPLANE, caCert: tlsFixture!.caPem }, { host: `cp.example.com:${h!.port.port}` });
    expect(otherHost.status).toBe(400);
    expect(otherHost.body).toMatch(/^the dataplane reaches the control plane as "cp.example.com"/);
    expect(resolved).toHaveLength(0);
  });

  it('without a CA in the request: TLS that does not verify (as Kuma); on a plaintext port: no TLS', async () => {
    const base = await start();
    const unverified = parse((await post(base, { dataplaneResource: DATAPLANE })).body);
    expect(unverified.static_resources.clusters[0].transport_socket.typed_config.common_tls_context).toEqual({
      tls_params: { tls_minimum_protocol_version: 'TLSv1_2' },
      alpn_protocols: ['h2'],
    });
    await h!.close();
    const plainBase = await start(true);
    expect(plainBase).toMatch(/^http:/);
    const plain = parse((await post(plainBase, { dataplaneResource: DATAPLANE, caCert: 'ignored' })).body);
    expect(plain.static_resources.clusters[0].transport_socket).toBeUndefined();
  });

  it('authenticates before resolving: 401, 403 and 500 from the check, the resolver never asked', async () => {
    const asked: ProxyAuthRequest[] = [];
    const base = await start(
      false,
      credentialAuthentication(async (request) => {
        asked.push(request);
        if (request.credential === 'boom') throw new Error('store down');
        if (request.credential === 'mine') return { ok: true };
        return request.credential === 'other'
          ? { ok: false, code: 'PERMISSION_DENIED', message: 'not yours' }
          : { ok: false, code: 'UNAUTHENTICATED', message: 'bad token' };
      }),
    );
    const attempt = async (dataplaneToken?: string) => {
      const res = await post(base, { dataplaneResource: DATAPLANE, ...(dataplaneToken === undefined ? {} : { dataplaneToken }) });
      return [res.status, res.body];
    };
    expect(await attempt()).toEqual([401, 'a dataplane token is required: pass it as "dataplaneToken" (dp run --dataplane-token-file)']);
    expect(await attempt('forged')).toEqual([401, 'bad token']);
    expect(await attempt('Bearer other')).toEqual([403, 'not yours']);
    expect(await attempt('boom')).toEqual([500, 'internal error']);
    expect(resolved).toEqual([]);
    expect((await attempt('mine'))[0]).toBe(200);
    expect(resolved).toHaveLength(1);
    // The check sees the claimed proxy and the Dataplane about to be registered.
    expect(asked.at(-1)).toMatchObject({ credential: 'mine', proxy: { mesh: 'default', name: 'gw-1' }, candidate: { name: 'gw-1', networking: { address: '10.0.0.7' } } });
  });
});

describe('POST /bootstrap limits (docs/limits.md)', () => {
  it('answers 413 to a 10 MB upload, and the client reads it', async () => {
    const base = await start(true);
    const res = await fetch(`${base}/bootstrap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(10 * 1024 * 1024, 32) });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('request body larger than 1048576 bytes');
  });

  it('answers 422 naming the limit to a deep request or a deep inline Dataplane', async () => {
    const base = await start();
    const deepRequest = await post(base, `{"mesh":"default","name":"gw-1","x":${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(deepRequest.status).toBe(422);
    expect(deepRequest.body).toBe('invalid JSON: nesting deeper than 64 levels at line 1, column 100');
    const deepDataplane = await post(base, { mesh: 'default', name: 'gw-1', dataplaneResource: `${DATAPLANE}x: ${'['.repeat(65)}` });
    expect(deepDataplane.status).toBe(422);
    expect(deepDataplane.body).toMatch(/dataplaneResource: cannot be parsed: nesting deeper than 64 levels at line 10, column 67/);
    expect(resolved).toEqual([]);
  });
});
