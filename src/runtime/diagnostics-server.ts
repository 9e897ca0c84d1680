// The diagnostics port (Kuma's 5680; docs/operations.md): GET /metrics for Prometheus, GET /ready
// and GET /healthy for probes. It serves no resources and changes nothing, so it is open, as Kuma
// leaves it; it binds loopback unless told otherwise.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ControlPlaneMetrics } from './metrics.js';

/** Why the control plane is not ready, or an empty list when it is. */
export type ReadinessCheck = () => readonly string[];

/** A listening diagnostics server. */
export interface DiagnosticsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 = any free port). */
export async function startDiagnosticsServer(options: { host: string; port: number; metrics: ControlPlaneMetrics; notReady: ReadinessCheck; logger: Logger }): Promise<DiagnosticsServer> {
  const server = http.createServer((req, res) => {
    void answer(req, options).then(
      ({ status, type, body }) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      },
      (err: unknown) => {
        options.logger.error({ err }, 'diagnostics request failed');
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      },
    );
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(req: http.IncomingMessage, options: { metrics: ControlPlaneMetrics; notReady: ReadinessCheck }): Promise<{ status: number; type: string; body: string }> {
  const path = new URL(req.url ?? '/', 'http://diagnostics').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, type: 'text/plain', body: 'only GET\n' };
  if (path === '/metrics') return { status: 200, type: options.metrics.registry.contentType, body: await options.metrics.registry.metrics() };
  if (path === '/healthy') return { status: 200, type: 'text/plain', body: 'ok\n' };
  if (path === '/ready') {
    const reasons = options.notReady();
    return { status: reasons.length === 0 ? 200 : 503, type: 'application/json', body: `${JSON.stringify({ ready: reasons.length === 0, reasons })}\n` };
  }
  return { status: 404, type: 'text/plain', body: 'not found: /metrics, /ready, /healthy\n' };
}
