import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../test/support/store-contract.js';
import { gateway } from '../../test/support/store-fixtures.js';
import { MemoryStore } from './memory-store.js';

const silent = pino({ level: 'silent' });

describeStoreContract('MemoryStore', async ({ clock }) => new MemoryStore({ logger: silent, clock }));

describe('MemoryStore', () => {
  it('keeps separate instances separate', async () => {
    const a = new MemoryStore({ logger: silent });
    const b = new MemoryStore({ logger: silent });
    await a.put(gateway('edge'));
    expect(await b.list('MeshGateway')).toEqual([]);
    expect((await a.list('MeshGateway')).map((r) => r.name)).toEqual(['edge']);
  });
});
