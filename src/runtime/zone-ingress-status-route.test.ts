// [Z3] over real HTTP: an ingress other zones skip says why, where Kuma says nothing.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../api-server/server.js';
import { MemoryStore } from '../core/memory-store.js';
import { zoneIngressStatusRoute } from './zone-ingress-status-route.js';

describe('GET /zone-ingresses/{name}/status', () => {
  const store = new MemoryStore();
  let server: ApiServer;
  let api = '';

  beforeAll(async () => {
    const put = (name: string, spec: Record<string, unknown>) => store.put({ kind: 'ZoneIngress', mesh: name, name, spec });
    const services = [{ mesh: 'default', instances: 1, tags: { 'kuma.io/service': 'backend' } }];
    await put('ready', { networking: { address: '10.0.0.1', port: 10001, advertisedAddress: '192.0.2.1', advertisedPort: 10001 }, availableServices: services });
    await put('pending', { networking: { address: '10.0.0.1', port: 10001 }, availableServices: services });
    await put('dns', { zone: 'zone-2', networking: { address: '10.0.0.1', port: 10001, advertisedAddress: 'lb.example.com', advertisedPort: 443 }, availableServices: services });
    await put('dns-resolved', { zone: 'zone-2', networking: { address: '10.0.0.1', port: 10001, advertisedAddress: 'lb2.example.com', advertisedPort: 443 }, availableServices: services });
    await put('empty', { networking: { address: '10.0.0.1', port: 10001, advertisedAddress: '192.0.2.2', advertisedPort: 10001 } });
    server = createApiServer({ store, logger: pino({ level: 'silent' }), isReady: () => true, extraRoutes: [zoneIngressStatusRoute(store, (name) => (name === 'lb2.example.com' ? '203.0.113.9' : undefined))] });
    api = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  afterAll(async () => {
    await server.close();
  });

  const condition = async (name: string) => {
    const res = await fetch(`${api}/zone-ingresses/${name}/status`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { conditions: Array<Record<string, string>> }).conditions;
  };

  it('is Reachable at the advertised address when other zones route to it', async () => {
    expect(await condition('ready')).toEqual([expect.objectContaining({ type: 'Reachable', status: 'True', reason: 'Advertised', message: 'other zones reach this ingress at 192.0.2.1:10001' })]);
  });

  it('names the missing fields, a DNS name this zone cannot resolve, or the empty service list', async () => {
    expect((await condition('pending'))[0]).toMatchObject({ status: 'False', reason: 'AdvertisedAddressMissing', message: expect.stringContaining('networking.advertisedAddress and networking.advertisedPort') });
    expect((await condition('dns'))[0]).toMatchObject({ status: 'False', reason: 'AdvertisedAddressUnresolved', message: expect.stringContaining('"lb.example.com"') });
    expect((await condition('dns-resolved'))[0]).toMatchObject({ status: 'True', message: 'other zones reach this ingress at lb2.example.com (203.0.113.9):443' });
    expect((await condition('empty'))[0]).toMatchObject({ status: 'False', reason: 'NoAvailableServices' });
  });

  it('answers 404 for an ingress that does not exist', async () => {
    expect((await fetch(`${api}/zone-ingresses/nope/status`)).status).toBe(404);
  });
});
