// The dataplane port's listen backlog (dataplane-port.ts, DATAPLANE_LISTEN_BACKLOG): while the
// control plane's event loop is busy, the kernel queues completed TCP handshakes up to the backlog
// and drops the SYNs of the rest, which then retry only after TCP's 1 s retransmission timeout.
// Node's default backlog is 511; here more connections than that must complete while the loop is
// blocked. A child process dials, because this process's loop is the one being blocked.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startAdsHarness, type AdsHarness } from '../support/ads-harness.js';

/** More than Node's default backlog of 511 (and within the kernel's somaxconn, 4096 by default). */
const CONNECTIONS = 800;

/** The dialer: on `{ port, count }` opens `count` connections and reports how many completed within 1 s. */
const DIALER = `
const net = require('node:net');
process.on('message', ({ port, count }) => {
  let connected = 0;
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const s = net.connect({ host: '127.0.0.1', port }, () => { connected += 1; });
    s.on('error', () => {});
    sockets.push(s);
  }
  setTimeout(() => {
    process.send({ connected }, () => {
      for (const s of sockets) s.destroy();
      process.disconnect();
    });
  }, 1000);
});
process.send('ready');
`;

describe('dataplane port backlog', () => {
  let harness: AdsHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it(`queues ${CONNECTIONS} connections that arrive while the event loop is blocked`, async () => {
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
    expect(somaxconn).toBeGreaterThanOrEqual(CONNECTIONS);
    harness = await startAdsHarness({ plaintext: true });
    const port = harness.port.port;
    const child = spawn(process.execPath, ['-e', DIALER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('message', () => resolve());
    });
    const result = new Promise<{ connected: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { connected: number }));
      child.once('exit', (code) => reject(new Error(`dialer exited with ${code} before reporting`)));
    });
    child.send({ port, count: CONNECTIONS });
    // Block this process's event loop for longer than the dialer's 1 s window: nothing accepts.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    const { connected } = await result;
    expect(connected).toBe(CONNECTIONS);
  }, 20_000);
});
