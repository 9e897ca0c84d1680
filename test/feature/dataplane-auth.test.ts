// Dataplane authentication on a real control plane (memory store, default settings), over real
// gRPC and HTTP on loopback (docs/dataplane-auth.md, docs/robustness.md S1-S4, S7):
// - S1: every bad credential is UNAUTHENTICATED with its own message and no resource is sent;
// - S2: a valid token used for another proxy, a node change mid-stream, a token bound to tags the
//   Dataplane lacks, and /bootstrap overwrites of someone else's Dataplane are refused, and the
//   Dataplane is unchanged;
// - S3: every gRPC method served and every HTTP route of the dataplane port refuse anonymous callers;
// - S4: proxies of two meshes that subscribe to each other's SDS names receive nothing of theirs;
// - S7: refusals leave an audit line, and no token ever reaches the log.
import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane } from '../../src/runtime/control-plane.js';
import { signToken } from '../../src/tokens/jwt.js';
import { dataplaneSigningKeys, SigningKeys } from '../../src/tokens/signing-keys.js';
import { TypeUrl } from '../../src/xds/cache/resource-types.js';
import { ADS_SERVICE_NAME, adsServiceDefinition } from '../../src/xds/server/ads-service.js';
import { DATAPLANE_HTTP_ROUTES } from '../../src/xds/server/bootstrap-endpoint.js';
import { AdsClient, type AdsMode } from '../support/ads-client.js';
import { issueDataplaneToken, tokenMetadata, type TokenFor } from '../support/dataplane-tokens.js';
import { FRAME, grpcMessage, rawH2Request, type RawFrame } from '../support/raw-h2.js';

const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'e2e', 'fixtures');
const bundle = (host: string) => readFileSync(path.join(FIXTURES, `${host}.cert.pem`), 'utf8') + readFileSync(path.join(FIXTURES, `${host}.key.pem`), 'utf8');
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

let cp: ControlPlane;
let api: string;
let xds: string;
const logLines: string[] = [];
const issued: string[] = [];
const clients: AdsClient[] = [];

async function token(body: TokenFor): Promise<string> {
  const t = await issueDataplaneToken(api, body);
  issued.push(t);
  return t;
}

async function put(doc: Record<string, unknown>): Promise<void> {
  const plural = `${String(doc.type).toLowerCase()}s`;
  const url = doc.type === 'Mesh' ? `${api}/meshes/${String(doc.name)}` : `${api}/meshes/${String(doc.mesh)}/${plural}/${String(doc.name)}`;
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  expect(res.status, await res.text()).toBeLessThan(300);
}

const gatewayDataplane = (mesh: string, name: string, service: string, extra: Record<string, string> = {}) => ({
  type: 'Dataplane',
  mesh,
  name,
  networking: { address: '127.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': service, ...extra } } },
});

/** A gateway `service` in `mesh` with an HTTPS listener whose certificate is the Secret `secret`. */
async function httpsGateway(mesh: string, service: string, secret: string, host: string): Promise<void> {
  await put({ type: 'Mesh', name: mesh });
  await put({ type: 'Secret', mesh, name: secret, data: Buffer.from(bundle(host)).toString('base64') });
  await put({
    type: 'MeshGateway',
    mesh,
    name: service,
    selectors: [{ match: { 'kuma.io/service': service } }],
    conf: { listeners: [{ port: 8443, protocol: 'HTTPS', hostname: host, tls: { mode: 'TERMINATE', certificates: [{ secret }] } }] },
  });
}

/** Opens a stream as `nodeId`, subscribes to clusters and listeners, and keeps it for cleanup. */
function open(nodeId: string, mode: AdsMode, metadata: Readonly<Record<string, string | readonly string[]>> = {}): AdsClient {
  const client = AdsClient.connect(xds, nodeId, mode, { metadata, followReferences: true });
  clients.push(client);
  client.subscribe(TypeUrl.Cluster);
  client.subscribe(TypeUrl.Listener);
  return client;
}

/** The final status of a stream that must be refused, with what it received before. */
async function refused(nodeId: string, mode: AdsMode, metadata: Readonly<Record<string, string | readonly string[]>> = {}) {
  const client = open(nodeId, mode, metadata);
  const status = await client.waitForStatus();
  return { code: grpc.status[status.code], details: status.details, responses: client.responses.length };
}

/** A token for default/gw-1 signed with the mesh's real key, with chosen times (seconds). */
async function signedWith(times: { notBefore: number; expiresAt: number }): Promise<string> {
  const key = await new SigningKeys(cp.store, dataplaneSigningKeys('default')).current();
  const t = await signToken({ claims: { Name: 'gw-1', Mesh: 'default', Tags: {}, Type: 'dataplane' }, privateKey: key.privateKey, kid: key.kid, jti: randomUUID(), ...times });
  issued.push(t);
  return t;
}

function reheader(t: string, header: Record<string, unknown>): string {
  const [, payload, signature] = t.split('.');
  return `${b64url(header)}.${payload}.${signature}`;
}

const bootstrap = (body: Record<string, unknown>) =>
  fetch(`http://${xds}/bootstrap`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const dataplaneYaml = (mesh: string, name: string, service: string, address = '127.0.0.1') =>
  `type: Dataplane\nmesh: ${mesh}\nname: ${name}\nnetworking:\n  address: ${address}\n  gateway:\n    type: BUILTIN\n    tags:\n      kuma.io/service: ${service}\n`;

beforeAll(async () => {
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  // Plaintext dataplane port: authentication does not depend on the transport (TLS has its own
  // suites), and the raw HTTP/2 client below writes frames straight onto the socket.
  cp = await startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', apiPort: 0, xdsPort: 0, debounceMs: 10, tls: { ...DEFAULT_CONFIG.tls, xdsPlaintext: true }, logger });
  api = `http://127.0.0.1:${cp.apiPort}`;
  xds = `127.0.0.1:${cp.xdsPort}`;
  await put({ type: 'Mesh', name: 'default' });
  for (const name of ['gw-1', 'gw-2']) await put(gatewayDataplane('default', name, 'edge'));
  await put({ type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } });
  await cp.flush();
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cp?.stop();
});

describe('S1: bad credentials are UNAUTHENTICATED before any resource is sent', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<Record<string, string | readonly string[]>>, string | RegExp]> = [
    ['no token', async () => ({}), 'request must have exactly 1 "authorization" header, got 0'],
    ['an expired token', async () => tokenMetadata(await signedWith({ notBefore: now() - 7200, expiresAt: now() - 3600 })), 'token is expired'],
    ['a token not valid yet', async () => tokenMetadata(await signedWith({ notBefore: now() + 3600, expiresAt: now() + 7200 })), /^token is not valid yet \(\d+ s in the future\): check that the clocks/],
    [
      'a revoked token',
      async () => {
        const t = await token({ mesh: 'default', name: 'gw-1' });
        const jti = String((JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString()) as { jti: string }).jti);
        await put({ type: 'Secret', mesh: 'default', name: 'dataplane-token-revocations-default', data: Buffer.from(jti).toString('base64') });
        return tokenMetadata(t);
      },
      'token is revoked',
    ],
    [
      'a token whose key was rotated away',
      async () => tokenMetadata(reheader(await token({ mesh: 'default', name: 'gw-1' }), { alg: 'RS256', kid: '9', typ: 'JWT' })),
      'there is no signing key with KID 9. Secret of name "dataplane-token-signing-key-default-9" in mesh "default" is not found. If signing key was rotated, regenerate the token',
    ],
    ['a numeric kid', async () => tokenMetadata(reheader(await token({ mesh: 'default', name: 'gw-1' }), { alg: 'RS256', kid: 1 })), 'kid header is invalid. Expected string.'],
    ['alg none', async () => tokenMetadata(`${b64url({ alg: 'none', kid: '1' })}.${(await token({ mesh: 'default', name: 'gw-1' })).split('.')[1]}.`), 'token must be signed with RS256, not "none"'],
    [
      'HS256 signed with the public key',
      async () => {
        const secret = await cp.store.get({ kind: 'Secret', mesh: 'default', name: 'dataplane-token-signing-key-default-1' });
        const publicPem = createPublicKey(Buffer.from(String(secret?.spec.data), 'base64').toString()).export({ type: 'spki', format: 'pem' });
        const input = `${b64url({ alg: 'HS256', kid: '1' })}.${(await token({ mesh: 'default', name: 'gw-1' })).split('.')[1]}`;
        return tokenMetadata(`${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`);
      },
      'token must be signed with RS256, not "HS256"',
    ],
    ['a 20 KB token', async () => tokenMetadata(`${await token({ mesh: 'default', name: 'gw-1' })}${'A'.repeat(20 * 1024)}`), 'token is larger than 16384 bytes'],
    ['garbage as Bearer', async () => tokenMetadata('Bearer not-a-jwt'), 'token is not a valid JWT'],
  ];
  for (const mode of ['delta', 'sotw'] as const) {
    it.each(cases)(`refuses %s (${mode})`, async (_name, metadata, message) => {
      const r = await refused('default.gw-1', mode, await metadata());
      expect(r).toEqual({ code: 'UNAUTHENTICATED', details: expect.stringMatching(typeof message === 'string' ? `^${escape(message)}$` : message), responses: 0 });
    });
  }

  it('refuses a 100 KB token: HTTP/2 resets the stream before Portico sees it (64 KiB header list), nothing is sent', async () => {
    const client = open('default.gw-1', 'delta', tokenMetadata(`${await token({ mesh: 'default', name: 'gw-1' })}${'A'.repeat(100 * 1024)}`));
    const status = await client.waitForStatus();
    expect(status.code).not.toBe(grpc.status.OK);
    expect(client.responses).toEqual([]);
  });

  it('refuses two authorization values even when the first is valid (a raw HTTP/2 client; Node drops repeats)', async () => {
    const valid = await token({ mesh: 'default', name: 'gw-1' });
    const definition = adsServiceDefinition();
    for (const method of Object.values(definition)) {
      const request = grpcMessage(method.requestSerialize({ node: { id: 'default.gw-1' }, type_url: TypeUrl.Cluster }));
      const headers = (auth: string[]): Array<[string, string]> => [
        [':method', 'POST'], [':scheme', 'http'], [':path', method.path], [':authority', xds],
        ['content-type', 'application/grpc'], ['te', 'trailers'], ...auth.map((a): [string, string] => ['authorization', a]),
      ];
      const data = (frames: RawFrame[]) => frames.filter((f) => f.type === FRAME.DATA && f.streamId === 1 && f.length > 0);
      // The same client with one value receives config: the refusal below is not the client's doing.
      const one = await rawH2Request(cp.xdsPort!, headers([valid]), request, 1000);
      expect(data(one).length, `${method.path} with one token`).toBeGreaterThan(0);
      const auditsBefore = audits().length;
      const two = await rawH2Request(cp.xdsPort!, headers([valid, 'second']), request);
      expect(data(two), `${method.path} with two tokens`).toEqual([]);
      expect(two.some((f) => f.streamId === 1 && f.type === FRAME.HEADERS && (f.flags & 0x1) !== 0)).toBe(true);
      expect(audits().slice(auditsBefore)).toEqual([
        expect.objectContaining({ where: 'ads', code: 'UNAUTHENTICATED', reason: 'request must have exactly 1 "authorization" header, got 2' }),
      ]);
    }
  });

  it('accepts its own token, raw or as Bearer, on both methods', async () => {
    const t = await token({ mesh: 'default', name: 'gw-1' });
    for (const [mode, value] of [['delta', t], ['sotw', `Bearer ${t}`]] as const) {
      const client = open('default.gw-1', mode, { authorization: value });
      await client.waitForHeld(TypeUrl.Listener, (h) => h.has('edge:HTTP:8080'));
    }
  });
});

describe('S2: a valid token only ever acts for the proxy it is bound to', () => {
  it('refuses a token for gw-1 on the node id of gw-2 with PERMISSION_DENIED', async () => {
    const t = await token({ mesh: 'default', name: 'gw-1' });
    expect(await refused('default.gw-2', 'delta', tokenMetadata(t))).toEqual({
      code: 'PERMISSION_DENIED',
      details: 'proxy name from requestor: gw-2 is different than in token: gw-1',
      responses: 0,
    });
  });

  it('refuses a token of mesh default on a node of another mesh', async () => {
    await put({ type: 'Mesh', name: 'other' });
    await put(gatewayDataplane('other', 'gw-1', 'edge'));
    const t = await token({ mesh: 'default' });
    const r = await refused('other.gw-1', 'sotw', tokenMetadata(t));
    expect(r).toMatchObject({ code: 'UNAUTHENTICATED', details: expect.stringContaining('there is no signing key with KID 1') });
  });

  it('refuses a token bound to tags the Dataplane lacks, or to other values', async () => {
    const zone = await token({ mesh: 'default', tags: { 'kuma.io/zone': ['east'] } });
    expect(await refused('default.gw-2', 'delta', tokenMetadata(zone))).toEqual({
      code: 'PERMISSION_DENIED',
      details: 'dataplane has no tag "kuma.io/zone" required by the token',
      responses: 0,
    });
    const backend = await token({ mesh: 'default', tags: { 'kuma.io/service': ['backend', 'web'] } });
    expect(await refused('default.gw-2', 'sotw', tokenMetadata(backend))).toEqual({
      code: 'PERMISSION_DENIED',
      details: 'dataplane contains tag "kuma.io/service" with value "edge" which is not allowed with this token. Allowed values in token are ["backend" "web"]',
      responses: 0,
    });
  });

  it('closes a stream whose node id changes after authentication', async () => {
    const client = open('default.gw-1', 'delta', tokenMetadata(await token({ mesh: 'default', name: 'gw-1' })));
    await client.waitFor(TypeUrl.Cluster);
    const before = client.responses.length;
    client.send({ node: { id: 'default.gw-2' }, type_url: TypeUrl.RouteConfiguration, resource_names_subscribe: ['edge:HTTP:8080:*'] });
    const status = await client.waitForStatus();
    expect([grpc.status[status.code], status.details]).toEqual([
      'PERMISSION_DENIED',
      'stream was authenticated for ID default.gw-1. Received request is for node with ID default.gw-2. Node ID cannot be changed after stream is initialized',
    ]);
    expect(client.responses.slice(before).filter((r) => r.typeUrl === TypeUrl.RouteConfiguration)).toEqual([]);
  });

  describe('POST /bootstrap', () => {
    const stored = () => cp.store.get({ kind: 'Dataplane', mesh: 'default', name: 'gw-2' });

    it('answers 401 without a token, and neither creates nor changes a Dataplane', async () => {
      const before = await stored();
      const res = await bootstrap({ mesh: 'default', name: 'gw-2', dataplaneResource: dataplaneYaml('default', 'gw-2', 'edge', '10.9.9.9') });
      expect([res.status, await res.text()]).toEqual([401, 'a dataplane token is required: pass it as "dataplaneToken" (dp run --dataplane-token-file)']);
      const fresh = await bootstrap({ mesh: 'default', name: 'gw-new', dataplaneResource: dataplaneYaml('default', 'gw-new', 'edge') });
      expect(fresh.status).toBe(401);
      const forged = await bootstrap({ mesh: 'default', name: 'gw-new', dataplaneToken: 'a.b.c', dataplaneResource: dataplaneYaml('default', 'gw-new', 'edge') });
      expect([forged.status, await forged.text()]).toEqual([401, 'token is not a valid JWT']);
      expect(await stored()).toEqual(before);
      expect(await cp.store.get({ kind: 'Dataplane', mesh: 'default', name: 'gw-new' })).toBeUndefined();
    });

    it("answers 403 to a token for someone else's Dataplane, which stays unchanged", async () => {
      const before = await stored();
      const gw1 = await token({ mesh: 'default', name: 'gw-1' });
      const byName = await bootstrap({ mesh: 'default', name: 'gw-2', dataplaneToken: gw1, dataplaneResource: dataplaneYaml('default', 'gw-2', 'edge', '10.9.9.9') });
      expect([byName.status, await byName.text()]).toEqual([403, 'proxy name from requestor: gw-2 is different than in token: gw-1']);
      // A token for "backend" proxies may register backends, not take over the edge gateway gw-2.
      const backend = await token({ mesh: 'default', tags: { 'kuma.io/service': ['backend'] } });
      const byTag = await bootstrap({ mesh: 'default', name: 'gw-2', dataplaneToken: backend, dataplaneResource: dataplaneYaml('default', 'gw-2', 'backend') });
      expect([byTag.status, await byTag.text()]).toEqual([
        403,
        'dataplane contains tag "kuma.io/service" with value "edge" which is not allowed with this token. Allowed values in token are ["backend"]',
      ]);
      // Nor register a new Dataplane with tags outside the token.
      const outside = await bootstrap({ mesh: 'default', name: 'gw-3', dataplaneToken: backend, dataplaneResource: dataplaneYaml('default', 'gw-3', 'edge') });
      expect(outside.status).toBe(403);
      expect(await stored()).toEqual(before);
      expect(await cp.store.get({ kind: 'Dataplane', mesh: 'default', name: 'gw-3' })).toBeUndefined();
    });

    it('registers with a bound token and puts the token into the ADS initial metadata', async () => {
      const t = await token({ mesh: 'default', name: 'gw-4', tags: { 'kuma.io/service': ['edge'] } });
      const res = await bootstrap({ mesh: 'default', name: 'gw-4', dataplaneToken: t, dataplaneResource: dataplaneYaml('default', 'gw-4', 'edge') });
      expect(res.status).toBe(200);
      const yaml = parse(await res.text()) as { dynamic_resources: { ads_config: { grpc_services: { initial_metadata: { key: string; value: string }[] }[] } } };
      expect(yaml.dynamic_resources.ads_config.grpc_services[0]?.initial_metadata).toEqual([{ key: 'authorization', value: t }]);
      expect(await cp.store.get({ kind: 'Dataplane', mesh: 'default', name: 'gw-4' })).toBeDefined();
    });
  });
});

describe('S3: every gRPC method and HTTP route of the dataplane port refuses anonymous callers', () => {
  it('walks every served gRPC method (the ADS service included) with no credential', async () => {
    const methods = cp.adsServer.methods();
    const definition = adsServiceDefinition();
    expect(methods).toEqual(expect.arrayContaining(Object.values(definition).map((m) => m.path)));
    const byPath = new Map(Object.values(definition).map((m) => [m.path, m]));
    const client = new grpc.Client(xds, grpc.credentials.createInsecure());
    try {
      for (const method of methods) {
        const m = byPath.get(method);
        // A method served outside the ADS definition has no known request type: this fails and says so.
        expect(m, `${method} is served but not part of ${ADS_SERVICE_NAME}; add it to this test with its request`).toBeDefined();
        expect([m!.requestStream, m!.responseStream], `${method}: only streaming methods are expected`).toEqual([true, true]);
        const call = client.makeBidiStreamRequest(method, m!.requestSerialize, m!.responseDeserialize, new grpc.Metadata());
        let received = 0;
        call.on('data', () => (received += 1));
        const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
        call.on('error', () => undefined);
        call.write({ node: { id: 'default.gw-1' }, type_url: TypeUrl.Cluster });
        const s = await status;
        expect([method, grpc.status[s.code], s.details, received]).toEqual([method, 'UNAUTHENTICATED', 'request must have exactly 1 "authorization" header, got 0', 0]);
      }
    } finally {
      client.close();
    }
  });

  it('walks every HTTP route with no credential', async () => {
    expect(DATAPLANE_HTTP_ROUTES.length).toBeGreaterThan(0);
    for (const route of DATAPLANE_HTTP_ROUTES) {
      const res = await fetch(`http://${xds}${route.path}`, {
        method: route.method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mesh: 'default', name: 'gw-1', dataplaneResource: dataplaneYaml('default', 'gw-1', 'edge') }),
      });
      expect([route.method, route.path, res.status]).toEqual([route.method, route.path, 401]);
    }
    expect((await fetch(`http://${xds}/config_dump`)).status).toBe(404);
  });
});

describe('S4: a proxy receives only its own secrets, whatever names it subscribes to', () => {
  it('ignores SDS names of other proxies and other meshes', async () => {
    await httpsGateway('alpha', 'edge-a', 'a-example-com', 'a.example.com');
    await httpsGateway('beta', 'edge-b', 'b-example-com', 'b.example.com');
    await put(gatewayDataplane('alpha', 'gw-a', 'edge-a'));
    await put(gatewayDataplane('beta', 'gw-b', 'edge-b'));
    await put(gatewayDataplane('alpha', 'gw-plain', 'plain'));
    await cp.flush();
    const secretsOf = (node: string) => [...(cp.cache.current(node)?.types.get(TypeUrl.Secret)?.resources.keys() ?? [])].sort();
    const [aNames, bNames] = [secretsOf('alpha.gw-a'), secretsOf('beta.gw-b')];
    expect(aNames.length).toBeGreaterThan(0);
    expect(bNames.length).toBeGreaterThan(0);
    expect(aNames.filter((n) => bNames.includes(n))).toEqual([]);
    const everything = [...aNames, ...bNames, 'identity_cert:secret:alpha', 'identity_cert:secret:beta', 'mesh_ca:secret:all'];

    for (const [node, own] of [['alpha.gw-a', aNames], ['beta.gw-b', bNames], ['alpha.gw-plain', []]] as const) {
      const [mesh, name] = node.split('.') as [string, string];
      for (const mode of ['delta', 'sotw'] as const) {
        const client = AdsClient.connect(xds, node, mode, { metadata: tokenMetadata(await token({ mesh, name })) });
        clients.push(client);
        client.subscribe(TypeUrl.Secret, everything);
        client.subscribe(TypeUrl.Cluster);
        await client.waitFor(TypeUrl.Cluster);
        if (own.length > 0) await client.waitForHeld(TypeUrl.Secret, (h) => own.every((n) => h.has(n)));
        const received = client.responsesOf(TypeUrl.Secret).flatMap((r) => r.resources.map((x) => x.name));
        expect([node, mode, [...new Set(received)].sort()]).toEqual([node, mode, [...own]]);
        client.close();
      }
    }
  });
});

describe('S7: audit lines, and no token in any log line', () => {
  it('logs each refusal with its reason and never a token', () => {
    expect(audits()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ where: 'ads', proxy: 'default.gw-2', code: 'PERMISSION_DENIED', reason: 'proxy name from requestor: gw-2 is different than in token: gw-1' }),
        expect.objectContaining({ where: 'bootstrap', proxy: 'default.gw-2', code: 'PERMISSION_DENIED' }),
        expect.objectContaining({ where: 'ads', proxy: 'default.gw-1', code: 'UNAUTHENTICATED', reason: 'token is revoked' }),
      ]),
    );
    expect(issued.length).toBeGreaterThan(10);
    const log = logLines.join('');
    for (const t of issued) {
      expect(log.includes(t.split('.')[2] ?? t), 'a token signature appears in the log').toBe(false);
      expect(log.includes(t.split('.')[1] ?? t), 'a token payload appears in the log').toBe(false);
    }
  });
});

describe('--dp-auth none', () => {
  it('serves without a token and says so in a warning at start', async () => {
    const lines: string[] = [];
    const open = await startControlPlane({
      ...DEFAULT_CONFIG,
      store: 'memory',
      apiPort: 0,
      xdsPort: 0,
      debounceMs: 10,
      dataplaneAuth: 'none',
      tls: { ...DEFAULT_CONFIG.tls, xdsPlaintext: true },
      logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }),
    });
    try {
      const base = `http://127.0.0.1:${open.apiPort}`;
      const doc = gatewayDataplane('default', 'gw-1', 'edge');
      for (const [url, body] of [[`${base}/meshes/default`, { type: 'Mesh', name: 'default' }], [`${base}/meshes/default/dataplanes/gw-1`, doc]] as const) {
        expect((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBeLessThan(300);
      }
      await fetch(`${base}/meshes/default/meshgateways/edge`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'MeshGateway', mesh: 'default', name: 'edge', selectors: [{ match: { 'kuma.io/service': 'edge' } }], conf: { listeners: [{ port: 8080, protocol: 'HTTP' }] } }),
      });
      await open.flush();
      const client = AdsClient.connect(`127.0.0.1:${open.xdsPort}`, 'default.gw-1', 'sotw');
      clients.push(client);
      client.subscribe(TypeUrl.Listener);
      await client.waitForHeld(TypeUrl.Listener, (h) => h.has('edge:HTTP:8080'));
      const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
      expect(warnings.map((w) => w.msg)).toContain(
        "dataplane authentication is OFF (KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE=none): any client can fetch any proxy's configuration and keys",
      );
    } finally {
      await open.stop();
    }
  });
});

function audits(): Record<string, unknown>[] {
  return logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['audit'] === 'dataplane-auth');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
