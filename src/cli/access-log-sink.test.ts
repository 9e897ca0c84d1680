import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { forwardEventLines, startAccessLogSink } from './access-log-sink.js';

/** A Forward-mode event `[tag, [[time, {message}]...]]` in MessagePack (short strings only). */
function forwardEvent(tag: string, messages: string[]): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([0xd9, b.length]), b]);
  };
  const entries = messages.map((m) => Buffer.concat([Buffer.from([0x92, 0xce, 0, 0, 0, 1, 0x81]), str('message'), str(m)]));
  return Buffer.concat([Buffer.from([0x92]), str(tag), Buffer.from([0x90 + messages.length]), ...entries]);
}

describe('access log sink', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portico-sink-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the lines of message-mode and forward-mode events', () => {
    expect(forwardEventLines(['127.0.0.1:1', 5, new Map([['message', 'a']])])).toEqual({ tag: '127.0.0.1:1', lines: ['a'] });
    expect(forwardEventLines(['h:2', [[1, new Map([['message', 'a']])], [2, new Map([['message', 'b']])]]])).toEqual({ tag: 'h:2', lines: ['a', 'b'] });
    expect(forwardEventLines('nope')).toBeUndefined();
  });

  it("writes each record's line to the collector its tag names, across split chunks", async () => {
    const received: string[] = [];
    const collector = net.createServer((s) => s.on('data', (c: Buffer) => received.push(c.toString())));
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const port = (collector.address() as net.AddressInfo).port;
    const sink = await startAccessLogSink(path.join(dir, 'sink.sock'));
    const client = net.connect(path.join(dir, 'sink.sock'));
    await new Promise((r) => client.once('connect', r));
    const bytes = Buffer.concat([forwardEvent(`127.0.0.1:${port}`, ['first line']), forwardEvent(`127.0.0.1:${port}`, ['second', 'third'])]);
    client.write(bytes.subarray(0, 7));
    await new Promise((r) => setTimeout(r, 50));
    client.write(bytes.subarray(7));
    const deadline = Date.now() + 5_000;
    while (received.join('') !== 'first line\nsecond\nthird\n' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received.join('')).toBe('first line\nsecond\nthird\n');
    client.destroy();
    await sink.close();
    await new Promise((r) => collector.close(r));
  });
});

describe('withAccessLogSink', () => {
  it("adds the sink's static cluster to the bootstrap's own, keeping the rest", async () => {
    const { withAccessLogSink } = await import('./dp-run.js');
    const { parse } = await import('yaml');
    const out = parse(withAccessLogSink('node: {id: default.gw}\nstatic_resources:\n  clusters:\n  - {name: ads_cluster}\n', '/run/dp/access-log.sock')) as {
      node: unknown;
      static_resources: { clusters: { name: string; load_assignment?: unknown }[] };
    };
    expect(out.node).toEqual({ id: 'default.gw' });
    expect(out.static_resources.clusters.map((c) => c.name)).toEqual(['ads_cluster', 'access_log_sink']);
    expect(JSON.stringify(out.static_resources.clusters[1]?.load_assignment)).toContain('"pipe":{"path":"/run/dp/access-log.sock"}');
  });
});
