// What the mesh end-to-end tests share: an in-process control plane on loopback (memory store,
// short debounce), writing resources through its REST API, and running a Dataplane's real Envoy
// with `portico dp run` and its own dataplane token.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import { findKind } from '../../src/api/resource-kinds.js';
import { DEFAULT_CONFIG, startControlPlane, type ControlPlane, type ControlPlaneConfig } from '../../src/runtime/control-plane.js';
import { dataplaneTokenFile } from './dataplane-tokens.js';
import { freePort, PORTICO_BIN, start, type Running } from './processes.js';

/** A control plane in this process, every port chosen by the OS; `options` override (a multi-zone role, say). */
export function startTestControlPlane(options: Partial<Omit<ControlPlaneConfig, 'logger'>> = {}): Promise<ControlPlane> {
  return startControlPlane({ ...DEFAULT_CONFIG, store: 'memory', dataDir: '', apiPort: 0, xdsPort: 0, debounceMs: 10, ...options, logger: pino({ level: 'silent' }) });
}

/** The REST path of a universal-form resource: its kind's plural from the kind's descriptor. */
function resourcePath(doc: Record<string, unknown>): string {
  if (doc['type'] === 'Mesh') return `/meshes/${String(doc['name'])}`;
  const kind = findKind(String(doc['type']));
  if (kind === undefined) throw new Error(`unknown kind ${String(doc['type'])}`);
  return `/meshes/${String(doc['mesh'])}/${kind.plural}/${String(doc['name'])}`;
}

/** PUTs a universal-form resource through the REST API, expecting success. */
export async function putResource(cp: ControlPlane, doc: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}${resourcePath(doc)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  expect(res.status, await res.text()).toBeLessThan(300);
}

/** DELETEs a universal-form resource (type, mesh and name are enough) through the REST API, expecting success. */
export async function deleteResource(cp: ControlPlane, doc: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${cp.apiPort}${resourcePath(doc)}`, { method: 'DELETE' });
  expect(res.status, await res.text()).toBeLessThan(300);
}

/**
 * Starts the real Envoy of a Dataplane (universal form) with `portico dp run` and a token bound to
 * it; `dir` holds the Dataplane and token files. Resolves to the process and its admin port.
 */
export async function runDataplane(cp: ControlPlane, dir: string, doc: Record<string, unknown>, adminPort?: number): Promise<{ process: Running; adminPort: number }> {
  const mesh = String(doc['mesh']);
  const name = String(doc['name']);
  const file = path.join(dir, `${mesh}.${name}.dataplane.json`);
  writeFileSync(file, JSON.stringify(doc));
  const token = await dataplaneTokenFile(`http://127.0.0.1:${cp.apiPort}`, mesh, name, dir);
  const admin = adminPort ?? (await freePort());
  const process = start(globalThis.process.execPath, [
    PORTICO_BIN, 'dp', 'run', '--cp', `https://127.0.0.1:${cp.xdsPort}`, '--ca-cert-file', cp.caFile!, '--dataplane-file', file, '--dataplane-token-file', token,
    '--admin-port', String(admin), '--log-level', 'warn', '--drain-time', '1',
  ]);
  return { process, adminPort: admin };
}

/** Stops the Envoys, then the backends, then the control plane, and removes the directory. */
export async function tearDown(envoys: readonly Running[], backends: readonly ({ close(): Promise<void> } | undefined)[], cp: ControlPlane | undefined, dir: string): Promise<void> {
  for (const e of envoys) await e.stop();
  for (const b of backends) await b?.close();
  await cp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
