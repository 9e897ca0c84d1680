import http from 'node:http';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { createApiServer, type ApiServer } from './server.js';

/** A raw request so the test controls headers and streaming of the body. */
function rawRequest(
  port: number,
  options: { method: string; path: string; headers?: http.OutgoingHttpHeaders; chunks?: Buffer[] },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}

describe('createApiServer', () => {
  let api: ApiServer;
  let port: number;

  beforeEach(async () => {
    api = createApiServer({ store: new MemoryStore(), logger: pino({ level: 'silent' }), isReady: () => true, maxBodyBytes: 1024 });
    port = await api.listen(0, '127.0.0.1');
  });

  afterEach(async () => {
    await api.close();
  });

  it('serves JSON with the version header and builds next links from the Host header', async () => {
    const put = await fetch(`http://127.0.0.1:${port}/meshes/a`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'Mesh', name: 'a' }),
    });
    expect(put.status).toBe(201);
    expect(put.headers.get('content-type')).toBe('application/json');
    expect(put.headers.get('x-portico-version')).toMatch(/.+/);
    await fetch(`http://127.0.0.1:${port}/meshes/b`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"type":"Mesh","name":"b"}' });
    const list = await rawRequest(port, { method: 'GET', path: '/meshes?size=1', headers: { host: 'localhost:5681' } });
    expect(JSON.parse(list.body)).toMatchObject({ total: 2, next: 'http://localhost:5681/meshes?size=1&offset=1' });
  });

  it('answers 413 to a declared oversized body without reading it', async () => {
    const res = await rawRequest(port, { method: 'PUT', path: '/meshes/a', headers: { 'content-type': 'application/json', 'content-length': 5000 }, chunks: [Buffer.alloc(5000, 32)] });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ status: 413, title: 'Payload Too Large' });
  });

  it('answers 413 to a chunked body once it passes the limit', async () => {
    const chunks = Array.from({ length: 8 }, () => Buffer.alloc(512, 32));
    const res = await rawRequest(port, { method: 'POST', path: '/apply', headers: { 'content-type': 'application/yaml', 'transfer-encoding': 'chunked' }, chunks });
    expect(res.status).toBe(413);
  });

  it('reports its version on GET /', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    const body = (await res.json()) as { product: string; version: string };
    expect(body.product).toBe('Portico');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
