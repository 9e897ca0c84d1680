import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ObjectCache } from './object-cache.js';

function obj(name: string, resourceVersion: string, namespace?: string): KubernetesObject {
  return { metadata: { name, resourceVersion, ...(namespace ? { namespace } : {}) } };
}

function summary(changes: ReturnType<ObjectCache<KubernetesObject>['replaceAll']>): string[] {
  return changes.map((c) => `${c.type} ${c.object.metadata?.namespace ?? ''}/${c.object.metadata?.name}@${c.object.metadata?.resourceVersion}`);
}

describe('ObjectCache', () => {
  it('reports a repeated resourceVersion as no change, and a new one as an update with the previous object', () => {
    const cache = new ObjectCache<KubernetesObject>();
    expect(cache.upsert(obj('a', '1'))?.type).toBe('add');
    expect(cache.upsert(obj('a', '1'))).toBeUndefined();
    const change = cache.upsert(obj('a', '2'));
    expect(change).toMatchObject({ type: 'update', previous: { metadata: { resourceVersion: '1' } } });
    expect(cache.remove(obj('a', '3'))?.type).toBe('delete');
    expect(cache.remove(obj('a', '3'))).toBeUndefined();
  });

  it('diffs a complete list: absent deleted first, changed updated, new added, unchanged silent', () => {
    const cache = new ObjectCache<KubernetesObject>();
    cache.replaceAll([obj('kept', '1', 'x'), obj('gone', '2', 'x'), obj('changed', '3', 'y')]);
    const changes = cache.replaceAll([obj('changed', '5', 'y'), obj('kept', '1', 'x'), obj('new', '6')]);
    expect(summary(changes)).toEqual(['delete x/gone@2', 'update y/changed@5', 'add /new@6']);
    expect(cache.list().map((o) => o.metadata?.name)).toEqual(['new', 'kept', 'changed']);
    expect(cache.get('x', 'kept')).toBeDefined();
    expect(cache.get(undefined, 'new')).toBeDefined();
  });

  it('freezes what it holds, since every listener shares the objects', () => {
    const cache = new ObjectCache<KubernetesObject>();
    cache.upsert(obj('a', '1'));
    expect(Object.isFrozen(cache.get(undefined, 'a')?.metadata)).toBe(true);
  });
});
