// GET /meshes/{mesh}/dataplanes/{name}/stats and .../clusters: the proxy's Envoy admin views, read
// through the control plane as Kuma's inspect reads them (docs/inspect.md, "Envoy admin views").
// Envoy's admin stays on the proxy's 127.0.0.1; `portico dp run` serves these paths on the proxy's
// own address and admin port over TLS, to the client certificate the control plane's generated CA
// issued to this control plane (cli/dp-admin-server.ts). A proxy whose address is 127.0.0.1 shares
// the control plane's host (nothing else could reach it there): its admin is read directly.
import http from 'node:http';
import https from 'node:https';
import { notFound, problem, type ApiResponse } from '../api-server/problem.js';
import type { ApiRequest } from '../api-server/resources.js';
import type { ExtraRoute } from '../api-server/router.js';
import type { ResourceStore } from '../core/store.js';
import type { DeliveryRecords } from '../xds/cache/delivery-status.js';
import { proxyNodeId } from '../xds/server/proxy-id.js';

/** The Envoy admin views, by the last segment of their path, with the query parameters passed on. */
export const ENVOY_ADMIN_VIEWS = { stats: ['format', 'filter', 'usedonly'], clusters: ['format'] } as const;

/** Envoy's default admin port (Kuma's), for a proxy that never said its own. */
const DEFAULT_ADMIN_PORT = 9901;
const TIMEOUT_MS = 5_000;
/** Largest view passed on; a proxy's stats with thousands of clusters run to a few MB. */
export const MAX_VIEW_BYTES = 32 * 1024 * 1024;

/** How the control plane reaches proxies' admin servers. */
export interface EnvoyAdminAccess {
  /** The admin client certificate (generated CA only); without it only 127.0.0.1 proxies are read. */
  readonly client?: { readonly certPem: string; readonly keyPem: string };
  /** Delivery records: the admin port a proxy's node metadata gave. */
  readonly records: DeliveryRecords;
}

/**
 * One route per view. Admin-only like the xDS dump: they show every cluster, address and counter
 * of the proxy. 404 when the path names no Dataplane; 502 when the proxy does not answer.
 */
export function envoyAdminRoutes(store: ResourceStore, access: EnvoyAdminAccess): ExtraRoute[] {
  return (Object.keys(ENVOY_ADMIN_VIEWS) as (keyof typeof ENVOY_ADMIN_VIEWS)[]).map((view) => ({
    method: 'GET',
    path: `/meshes/{mesh}/dataplanes/{name}/${view}`,
    access: 'admin',
    handler: async (request: ApiRequest, params): Promise<ApiResponse> => {
      const { mesh, name } = params;
      const dataplane = mesh && name ? await store.get({ kind: 'Dataplane', mesh, name }) : undefined;
      if (dataplane === undefined) return notFound(request.url.pathname);
      const address = dataplane.spec.networking.address;
      const port = dataplane.spec.networking.admin?.port ?? access.records(proxyNodeId(dataplane.mesh, dataplane.name))?.adminPort ?? DEFAULT_ADMIN_PORT;
      const query = new URLSearchParams([...request.url.searchParams].filter(([key]) => (ENVOY_ADMIN_VIEWS[view] as readonly string[]).includes(key)));
      const target = { address, port, path: query.size > 0 ? `/${view}?${query}` : `/${view}` };
      const loopback = address === '127.0.0.1';
      if (!loopback && access.client === undefined) return noClientCertificate(request.url.pathname);
      const answer = await readView(target, loopback ? undefined : access.client);
      if (!answer.ok) return problem(502, 'Bad Gateway', `the proxy's admin server at ${describe(target, loopback)} did not answer: ${answer.reason}`, request.url.pathname);
      if (answer.status !== 200) return problem(502, 'Bad Gateway', `the proxy's admin server at ${describe(target, loopback)} answered ${answer.status}: ${answer.body.slice(0, 200)}`, request.url.pathname);
      if (query.get('format') === 'json') {
        try {
          return { status: 200, body: JSON.parse(answer.body) as unknown };
        } catch {
          return problem(502, 'Bad Gateway', `the proxy's admin server at ${describe(target, loopback)} answered invalid JSON`, request.url.pathname);
        }
      }
      return { status: 200, body: answer.body, contentType: 'text/plain' };
    },
  }));
}

interface Target {
  readonly address: string;
  readonly port: number;
  readonly path: string;
}

function describe(t: Target, loopback: boolean): string {
  const host = t.address.includes(':') ? `[${t.address}]` : t.address;
  return `${loopback ? 'http' : 'https'}://${host}:${t.port}`;
}

/** 501 for a remote proxy when the control plane holds no admin client certificate. */
function noClientCertificate(instance: string): ApiResponse {
  const detail =
    "reading a proxy's Envoy admin needs the control plane's admin client certificate, which is issued by the generated control-plane CA; " +
    "with operator-provided certificates (--tls-cert-file) there is none. On the proxy's host run: curl http://127.0.0.1:<admin port>/stats";
  return problem(501, 'Not Implemented', detail, instance);
}

type ViewAnswer = { readonly ok: true; readonly status: number; readonly body: string } | { readonly ok: false; readonly reason: string };

/** GET the view; over TLS with the client certificate unless reading a loopback admin directly. */
function readView(target: Target, client: EnvoyAdminAccess['client']): Promise<ViewAnswer> {
  return new Promise((resolve) => {
    const options = { host: target.address, port: target.port, path: target.path, timeout: TIMEOUT_MS };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_VIEW_BYTES) {
          res.destroy();
          resolve({ ok: false, reason: `the view is larger than ${MAX_VIEW_BYTES} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ ok: false, reason: err.message }));
    };
    // The proxy's server certificate is self-signed (it holds no CA key): this side is the one
    // that authenticates, with its client certificate; the channel is encrypted either way.
    const req = client
      ? https.get({ ...options, cert: client.certPem, key: client.keyPem, rejectUnauthorized: false }, onResponse)
      : http.get(options, onResponse);
    req.once('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.once('error', (err) => resolve({ ok: false, reason: err.message }));
  });
}
