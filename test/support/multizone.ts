// Control planes of a multi-zone e2e: a global and federated universal zones, each the built
// `portico` CLI on its own embedded store, the zones dialling the global's sync port over TLS
// (verified by the global's generated CA) with zone tokens the global issues.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { PORTICO_BIN, portico, request, start, type Running } from './processes.js';

/** A global control plane's ports and directory. */
export interface GlobalCp {
  readonly dataDir: string;
  readonly apiPort: number;
  readonly kdsPort: number;
}

/** A federated zone control plane's settings. */
export interface ZoneCp {
  readonly name: string;
  readonly dataDir: string;
  readonly apiPort: number;
  readonly xdsPort: number;
  /** Zone token of scope cp. */
  readonly tokenFile: string;
}

/** Starts the global (`cp run --mode global`). */
export function startGlobalCp(global: GlobalCp): Running {
  const args = ['cp', 'run', '--mode', 'global', '--store', 'embedded', '--data-dir', global.dataDir, '--api-port', String(global.apiPort), '--api-https-port', '0', '--kds-port', String(global.kdsPort)];
  return start(process.execPath, [PORTICO_BIN, ...args]);
}

/** Starts a federated zone dialling `global`, with short reconnect delays to keep tests quick. */
export function startZoneCp(global: GlobalCp, zone: ZoneCp, env: NodeJS.ProcessEnv = {}): Running {
  const args = [
    'cp', 'run', '--mode', 'zone', '--zone', zone.name, '--store', 'embedded', '--data-dir', zone.dataDir,
    '--api-port', String(zone.apiPort), '--api-https-port', '0', '--xds-port', String(zone.xdsPort),
    '--global-address', `grpcs://127.0.0.1:${global.kdsPort}`, '--zone-token-file', zone.tokenFile,
    '--kds-root-ca-file', path.join(global.dataDir, 'tls', 'ca.crt'),
  ];
  // The defaults are Kuma's 5 s to 1 min.
  return start(process.execPath, [PORTICO_BIN, ...args], { env: { KUMA_GENERAL_RESILIENT_COMPONENT_BASE_BACKOFF: '200ms', KUMA_GENERAL_RESILIENT_COMPONENT_MAX_BACKOFF: '1s', ...env } });
}

/** A zone token issued by the global, written to `<dir>/<zone>-<scope>.token`. */
export async function zoneTokenFile(global: GlobalCp, zone: string, scope: 'cp' | 'ingress', dir: string): Promise<string> {
  const token = await portico(['generate', 'zone-token', '--zone', zone, '--scope', scope, '--valid-for', '1h', '--api', `http://127.0.0.1:${global.apiPort}`]);
  if (token.code !== 0) throw new Error(`zone token: ${token.output}`);
  const file = path.join(dir, `${zone}-${scope}.token`);
  writeFileSync(file, token.output, { mode: 0o600 });
  return file;
}

/** `portico apply -f -` against a control plane's REST API. */
export async function apply(apiPort: number, yaml: string): Promise<void> {
  const applied = await portico(['apply', '-f', '-', '--api', `http://127.0.0.1:${apiPort}`], yaml);
  if (applied.code !== 0) throw new Error(`apply failed: ${applied.output}`);
}

/** The items of a REST listing. */
export async function list(apiPort: number, pathname: string): Promise<Array<Record<string, unknown>>> {
  const r = await request(`http://127.0.0.1:${apiPort}${pathname}`);
  if (r.status !== 200) throw new Error(`GET ${pathname}: ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { items: Array<Record<string, unknown>> }).items;
}
