// `portico cp run` (the built CLI) selects dataplane authentication from --dp-auth or Kuma's
// KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE: on by default, `none` only with a warning, anything else is
// refused at start. No Envoy needed.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PORTICO_BIN, start, type Running } from '../support/processes.js';

const running: Running[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop();
});

function cpRun(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  // Plaintext dataplane port, so the test's requests need no CA: the switch under test is auth.
  // Its own data directory and OS-chosen ports, so nothing collides with another control plane.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portico-dp-auth-'));
  const p = start(
    process.execPath,
    [PORTICO_BIN, 'cp', 'run', '--store', 'memory', '--data-dir', dataDir, '--api-port', '0', '--api-https-port', '0', '--xds-port', '0', '--xds-plaintext', ...args],
    { env },
  );
  running.push(p);
  return p;
}

describe('cp run --dp-auth', () => {
  it('requires tokens by default: an anonymous bootstrap is refused', async () => {
    const cp = cpRun([]);
    const ready = await cp.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/);
    const res = await fetch(`http://127.0.0.1:${ready[2]}/bootstrap`, { method: 'POST', body: JSON.stringify({ mesh: 'default', name: 'gw-1' }) });
    expect(res.status).toBe(401);
    expect(cp.output()).not.toContain('dataplane authentication is OFF');
  });

  it('turns it off with KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE=none, with a warning', async () => {
    const cp = cpRun([], { KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE: 'none' });
    await cp.waitFor(/"level":40[^\n]*dataplane authentication is OFF/);
    const ready = await cp.waitFor(/"apiPort":(\d+),"xdsPort":(\d+)/);
    const res = await fetch(`http://127.0.0.1:${ready[2]}/bootstrap`, { method: 'POST', body: JSON.stringify({ mesh: 'default', name: 'gw-1' }) });
    expect(res.status).toBe(404); // no auth: straight to "Dataplane not found"
  });

  it('refuses an unknown value at start', async () => {
    const flag = cpRun(['--dp-auth', 'sometimes']);
    await flag.waitFor(/--dp-auth <type>' argument 'sometimes' is invalid. must be one of dpToken, none/);
    const env = cpRun([], { KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE: 'serviceAccountToken' });
    await env.waitFor(/value 'serviceAccountToken' from env 'KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE' is invalid. must be one of dpToken, none/);
  });
});
