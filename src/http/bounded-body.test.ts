import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerTooLarge, readBoundedBody, type DrainBudget } from './bounded-body.js';

const LIMIT = 64 * 1024;

/** A server that echoes the body's size, or answers 413 through answerTooLarge. */
async function echoServer(budget?: DrainBudget): Promise<{ port: number; server: http.Server }> {
  const server = http.createServer((req, res) => {
    void readBoundedBody(req, LIMIT).then((read) => {
      if (read.kind === 'aborted') return;
      if (read.kind === 'too-large') return answerTooLarge(req, res, { status: 413, contentType: 'application/json', payload: '{"message":"too large"}' }, budget);
      res.end(JSON.stringify({ size: read.body.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

describe('bounded body reading', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('passes a body at the limit through', async () => {
    const s = await echoServer();
    server = s.server;
    const res = await fetch(`http://127.0.0.1:${s.port}/`, { method: 'POST', body: Buffer.alloc(LIMIT, 'a') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ size: LIMIT });
  });

  // The regression: a 10 MB upload used to see EPIPE instead of the 413, because the server closed
  // the socket with unread bytes in it. fetch fails the whole request on a write error.
  it.each([
    ['declared length', true],
    ['chunked', false],
  ])('lets a client uploading 10 MB (%s) read its 413, then closes the connection', async (_name, declared) => {
    const s = await echoServer();
    server = s.server;
    const body = Buffer.alloc(10 * 1024 * 1024, 'a');
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < body.length; i += 256 * 1024) controller.enqueue(body.subarray(i, i + 256 * 1024));
        controller.close();
      },
    });
    const res = declared
      ? await fetch(`http://127.0.0.1:${s.port}/`, { method: 'PUT', body })
      : await fetch(`http://127.0.0.1:${s.port}/`, { method: 'PUT', body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({ message: 'too large' });
  });

  it('cuts a client that keeps sending past the drain budget', async () => {
    const s = await echoServer({ ms: 60_000, bytes: 256 * 1024 });
    server = s.server;
    const socket = net.connect(s.port, '127.0.0.1');
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`PUT / HTTP/1.1\r\nhost: x\r\ncontent-length: ${1024 * 1024 * 1024}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = setInterval(() => socket.writable && socket.write(chunk), 1);
    await closed;
    clearInterval(pump);
    expect(received).toMatch(/^HTTP\/1\.1 413/);
  });

  it('reports a client that leaves mid-body as aborted, without answering', async () => {
    const reads: string[] = [];
    server = http.createServer((req) => void readBoundedBody(req, LIMIT).then((r) => reads.push(r.kind)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nabc');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await expect.poll(() => reads).toEqual(['aborted']);
  });
});
