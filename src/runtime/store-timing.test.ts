// Store timing: each operation is observed with its kind and result, the store keeps its identity
// and behaviour, and nothing is observed while no observer is installed.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../core/memory-store.js';
import { instrumentStore, type StoreObserver } from './store-timing.js';

describe('instrumentStore', () => {
  it('observes get, list, put, delete and commit with kind and result, in place', async () => {
    const store = new MemoryStore();
    const seen: [string, string, boolean][] = [];
    let observer: StoreObserver | undefined;
    instrumentStore(store, () => observer);
    expect(store).toBeInstanceOf(MemoryStore);
    await store.put({ kind: 'Mesh', mesh: 'm', name: 'm', spec: {} }); // no observer yet
    observer = (operation, kind, seconds, ok) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push([operation, kind, ok]);
    };
    await store.get({ kind: 'Mesh', mesh: 'm', name: 'm' });
    await store.list('Mesh');
    await expect(store.put({ kind: 'Mesh', mesh: 'm', name: 'm', spec: {} }, { expectedVersion: '99' })).rejects.toThrow();
    await store.commit([
      { op: 'put', resource: { kind: 'Secret', mesh: 'm', name: 's', spec: { data: '' } } },
      { op: 'put', resource: { kind: 'Secret', mesh: 'm', name: 't', spec: { data: '' } } },
    ]);
    await store.commit([{ op: 'delete', key: { kind: 'Secret', mesh: 'm', name: 's' } }, { op: 'put', resource: { kind: 'Mesh', mesh: 'n', name: 'n', spec: {} } }]);
    expect(await store.delete({ kind: 'Secret', mesh: 'm', name: 't' })).toBe(true);
    expect(seen).toEqual([
      ['get', 'Mesh', true],
      ['list', 'Mesh', true],
      ['put', 'Mesh', false],
      ['commit', 'Secret', true],
      ['commit', '-', true],
      ['delete', 'Secret', true],
    ]);
  });
});
