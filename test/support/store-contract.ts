// The ResourceStore contract (src/core/store.ts) as one suite that every store runs, so the
// in-memory store used by tests cannot drift from the persistent stores.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResourceInput } from '../../src/core/resource.js';
import { ConflictError, StoreUnavailableError, type ChangeEvent } from '../../src/core/store.js';
import { describeStoreEvents } from './store-contract-events.js';
import { ManualClock, gateway, mesh, portOf, type ContractContext, type ContractStore, type MakeStore } from './store-fixtures.js';

/** Run the whole contract against `makeStore`. */
export function describeStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: ResourceStore contract`, () => {
    const ctx = {} as ContractContext;
    beforeEach(async () => {
      ctx.clock = new ManualClock();
      ctx.store = await makeStore({ clock: () => ctx.clock.now() });
    });
    afterEach(async () => {
      await ctx.store.close();
    });
    describeReadsAndWrites(ctx);
    describePreconditions(ctx);
    describeCommit(ctx);
    describeEvents(ctx);
    describeStoreEvents(ctx);
  });
}

function describeReadsAndWrites(ctx: ContractContext): void {
  it('is ready once made', async () => {
    await expect(ctx.store.ready()).resolves.toBeUndefined();
  });

  it('creates a resource at version 1 with both times set to now', async () => {
    const stored = await ctx.store.put({ ...gateway('edge'), labels: { team: 'a' } });
    expect(stored).toEqual({
      ...gateway('edge'),
      labels: { team: 'a' },
      version: '1',
      creationTime: '2024-01-02T03:04:05.678Z',
      modificationTime: '2024-01-02T03:04:05.678Z',
    });
    expect(await ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' })).toEqual(stored);
  });

  it('leaves labels absent when none were written', async () => {
    await ctx.store.put(gateway('edge'));
    const stored = await ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' });
    expect(stored).toBeDefined();
    expect(Object.keys(stored ?? {})).not.toContain('labels');
  });

  it('returns undefined for a missing resource', async () => {
    await ctx.store.put(gateway('edge'));
    expect(await ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'other' })).toBeUndefined();
    expect(await ctx.store.get({ kind: 'MeshGateway', mesh: 'other', name: 'edge' })).toBeUndefined();
    expect(await ctx.store.get({ kind: 'MeshGatewayRoute', mesh: 'default', name: 'edge' })).toBeUndefined();
  });

  it('increments the version on every update, keeps creationTime and moves modificationTime', async () => {
    await ctx.store.put(gateway('edge', 'default', 1));
    ctx.clock.tick(1500);
    await ctx.store.put(gateway('edge', 'default', 2));
    ctx.clock.tick(1);
    const third = await ctx.store.put(gateway('edge', 'default', 3));
    expect(third.version).toBe('3');
    expect(third.creationTime).toBe('2024-01-02T03:04:05.678Z');
    expect(third.modificationTime).toBe('2024-01-02T03:04:07.179Z');
    const read = await ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' });
    expect(read).toEqual(third);
    expect(portOf(read)).toBe(3);
  });

  it('replaces labels on update, including dropping them', async () => {
    await ctx.store.put({ ...gateway('edge'), labels: { team: 'a' } });
    const updated = await ctx.store.put({ ...gateway('edge'), labels: { env: 'prod' } });
    expect(updated.labels).toEqual({ env: 'prod' });
    const dropped = await ctx.store.put(gateway('edge'));
    expect(dropped.labels).toBeUndefined();
    expect((await ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' }))?.labels).toBeUndefined();
  });

  it('deletes an existing resource and reports a missing one as false', async () => {
    await ctx.store.put(gateway('edge'));
    expect(await ctx.store.delete({ kind: 'MeshGateway', mesh: 'default', name: 'edge' })).toBe(true);
    expect(await ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' })).toBeUndefined();
    expect(await ctx.store.delete({ kind: 'MeshGateway', mesh: 'default', name: 'edge' })).toBe(false);
  });

  it('lists one kind sorted by (mesh, name) in code-point order, with a mesh filter', async () => {
    const names = ['b', 'a-2', 'A', 'a', 'z\u{1F600}', 'z\uFFFD', 'a-10'];
    for (const n of names) await ctx.store.put(gateway(n, 'm2'));
    await ctx.store.put(gateway('zz', 'm1'));
    await ctx.store.put({ ...gateway('a', 'm1'), kind: 'MeshGatewayRoute', spec: {} } as unknown as ResourceInput);
    const all = await ctx.store.list('MeshGateway');
    // UTF-8 byte order equals code-point order; the astral emoji sorts after U+FFFD.
    const byBytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(all.map((r) => `${r.mesh}/${r.name}`)).toEqual(['m1/zz', ...byBytes.map((n) => `m2/${n}`)]);
    expect(byBytes.slice(-2)).toEqual(['z\uFFFD', 'z\u{1F600}']);
    const m1 = await ctx.store.list('MeshGateway', { mesh: 'm1' });
    expect(m1.map((r) => r.name)).toEqual(['zz']);
    expect(await ctx.store.list('MeshGateway', { mesh: 'none' })).toEqual([]);
    expect((await ctx.store.list('MeshGatewayRoute')).map((r) => r.name)).toEqual(['a']);
  });

  it('ignores the mesh filter when listing meshes', async () => {
    await ctx.store.put(mesh('prod'));
    await ctx.store.put(mesh('default'));
    const meshes = await ctx.store.list('Mesh', { mesh: 'prod' });
    expect(meshes.map((r) => r.name)).toEqual(['default', 'prod']);
  });

  it('rejects a Mesh whose mesh differs from its name and stores nothing', async () => {
    await expect(ctx.store.put({ ...mesh('prod'), mesh: 'other' })).rejects.toThrow(/mesh equal to name/);
    expect(await ctx.store.list('Mesh')).toEqual([]);
  });

  it('hands out frozen objects and never shares them with the caller input', async () => {
    const input = { ...gateway('edge'), labels: { team: 'a' } };
    const stored = await ctx.store.put(input);
    expect(() => {
      (stored as { version: string }).version = '9';
    }).toThrow(TypeError);
    expect(() => {
      (stored.spec.selectors as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (stored.labels as Record<string, string>).team = 'b';
    }).toThrow(TypeError);
    (input.labels as Record<string, string>).team = 'mutated';
    (input.spec.selectors as unknown[]).push({ match: {} });
    const read = await ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' });
    expect(read?.labels).toEqual({ team: 'a' });
    expect(read?.spec.selectors).toHaveLength(1);
    expect(Object.isFrozen(read?.spec.conf?.listeners[0])).toBe(true);
    const [listed] = await ctx.store.list('MeshGateway');
    expect(Object.isFrozen(listed?.spec)).toBe(true);
  });

  it('fails every call with StoreUnavailableError after close', async () => {
    await ctx.store.put(gateway('edge'));
    await ctx.store.close();
    await ctx.store.close();
    await expect(ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'edge' })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(ctx.store.list('MeshGateway')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(ctx.store.put(gateway('x'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(ctx.store.delete(gateway('edge'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(ctx.store.commit([])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(ctx.store.ready()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
}

function describePreconditions(ctx: ContractContext): void {
  const key = { kind: 'MeshGateway', mesh: 'default', name: 'edge' } as const;

  it('updates when expectedVersion matches', async () => {
    await ctx.store.put(gateway('edge', 'default', 1));
    const updated = await ctx.store.put(gateway('edge', 'default', 2), { expectedVersion: '1' });
    expect(updated.version).toBe('2');
    expect(portOf(await ctx.store.get(key))).toBe(2);
  });

  it('rejects a stale expectedVersion with ConflictError and keeps the stored resource', async () => {
    await ctx.store.put(gateway('edge', 'default', 1));
    await ctx.store.put(gateway('edge', 'default', 2));
    const error = await ctx.store.put(gateway('edge', 'default', 3), { expectedVersion: '1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toBe('resource MeshGateway default/edge: version conflict (expected 1, stored 2)');
    expect((error as ConflictError).key).toEqual(key);
    const stored = await ctx.store.get(key);
    expect(stored?.version).toBe('2');
    expect(portOf(stored)).toBe(2);
  });

  it('rejects expectedVersion on a missing resource and creates nothing', async () => {
    await expect(ctx.store.put(gateway('edge'), { expectedVersion: '1' })).rejects.toThrow(
      new ConflictError('resource MeshGateway default/edge: version conflict (expected 1, not found)', key),
    );
    expect(await ctx.store.get(key)).toBeUndefined();
  });

  it('treats a version the store never issued as a conflict', async () => {
    await ctx.store.put(gateway('edge'));
    await expect(ctx.store.put(gateway('edge'), { expectedVersion: '01' })).rejects.toBeInstanceOf(ConflictError);
    await expect(ctx.store.put(gateway('edge'), { expectedVersion: 'abc' })).rejects.toBeInstanceOf(ConflictError);
    expect((await ctx.store.get(key))?.version).toBe('1');
  });

  it('creates with mustCreate and rejects mustCreate on an existing resource', async () => {
    expect((await ctx.store.put(gateway('edge', 'default', 1), { mustCreate: true })).version).toBe('1');
    await expect(ctx.store.put(gateway('edge', 'default', 2), { mustCreate: true })).rejects.toThrow(
      new ConflictError('resource MeshGateway default/edge: already exists', key),
    );
    expect(portOf(await ctx.store.get(key))).toBe(1);
  });

  it('names a Mesh by its name alone in conflicts', async () => {
    await ctx.store.put(mesh('prod'));
    await expect(ctx.store.put(mesh('prod'), { mustCreate: true })).rejects.toThrow('resource Mesh prod: already exists');
  });

  it('never satisfies mustCreate together with expectedVersion', async () => {
    await expect(ctx.store.put(gateway('edge'), { mustCreate: true, expectedVersion: '1' })).rejects.toBeInstanceOf(ConflictError);
    await ctx.store.put(gateway('edge'));
    await expect(ctx.store.put(gateway('edge'), { mustCreate: true, expectedVersion: '1' })).rejects.toBeInstanceOf(ConflictError);
    expect((await ctx.store.get(key))?.version).toBe('1');
  });

  it('checks expectedVersion on delete', async () => {
    await ctx.store.put(gateway('edge'));
    await ctx.store.put(gateway('edge'));
    await expect(ctx.store.delete(key, { expectedVersion: '1' })).rejects.toThrow(
      'resource MeshGateway default/edge: version conflict (expected 1, stored 2)',
    );
    expect(await ctx.store.get(key)).toBeDefined();
    expect(await ctx.store.delete(key, { expectedVersion: '2' })).toBe(true);
    expect(await ctx.store.get(key)).toBeUndefined();
  });

  it('rejects a delete with expectedVersion of a missing resource', async () => {
    const error = await ctx.store.delete(key, { expectedVersion: '1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe('resource MeshGateway default/edge: version conflict (expected 1, not found)');
  });

  it('ignores mustCreate on delete', async () => {
    await ctx.store.put(gateway('edge'));
    expect(await ctx.store.delete(key, { mustCreate: true })).toBe(true);
  });
}

function describeCommit(ctx: ContractContext): void {
  it('applies every op and returns the put results in op order', async () => {
    await ctx.store.put(gateway('old'));
    const stored = await ctx.store.commit([
      { op: 'put', resource: gateway('b') },
      { op: 'delete', key: { kind: 'MeshGateway', mesh: 'default', name: 'old' } },
      { op: 'put', resource: gateway('a'), options: { mustCreate: true } },
      { op: 'put', resource: gateway('b', 'default', 2), options: { expectedVersion: '1' } },
    ]);
    expect(stored.map((r) => `${r.name}@${r.version}`)).toEqual(['b@1', 'a@1', 'b@2']);
    const listed = await ctx.store.list('MeshGateway');
    expect(listed.map((r) => `${r.name}@${r.version}:${portOf(r)}`)).toEqual(['a@1:8080', 'b@2:2']);
  });

  it('stores nothing when a later op conflicts', async () => {
    await ctx.store.put(gateway('existing', 'default', 1));
    const commit = ctx.store.commit([
      { op: 'put', resource: gateway('first') },
      { op: 'put', resource: gateway('existing', 'default', 2) },
      { op: 'delete', key: { kind: 'MeshGateway', mesh: 'default', name: 'existing' } },
      { op: 'put', resource: gateway('first', 'default', 3), options: { mustCreate: true } },
    ]);
    await expect(commit).rejects.toThrow('resource MeshGateway default/first: already exists');
    const listed = await ctx.store.list('MeshGateway');
    expect(listed.map((r) => `${r.name}@${r.version}:${portOf(r)}`)).toEqual(['existing@1:1']);
  });

  it('sees earlier ops of the same commit when checking preconditions', async () => {
    const stored = await ctx.store.commit([
      { op: 'put', resource: gateway('a'), options: { mustCreate: true } },
      { op: 'delete', key: { kind: 'MeshGateway', mesh: 'default', name: 'a' }, options: { expectedVersion: '1' } },
      { op: 'put', resource: gateway('a', 'default', 9), options: { mustCreate: true } },
    ]);
    expect(stored.map((r) => r.version)).toEqual(['1', '1']);
    expect(portOf(await ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'a' }))).toBe(9);
  });

  it('accepts an empty commit', async () => {
    expect(await ctx.store.commit([])).toEqual([]);
  });
}

function describeEvents(ctx: ContractContext): void {
  it('emits one event per changed resource, in op order, after the commit is visible', async () => {
    await ctx.store.put(gateway('old'));
    const seen: ChangeEvent[] = [];
    const visible: Promise<unknown>[] = [];
    ctx.store.watch((event) => {
      seen.push(event);
      visible.push(ctx.store.get({ kind: 'MeshGateway', mesh: 'default', name: 'new' }));
    });
    await ctx.store.commit([
      { op: 'put', resource: gateway('new') },
      { op: 'delete', key: { kind: 'MeshGateway', mesh: 'default', name: 'missing' } },
      { op: 'delete', key: { kind: 'MeshGateway', mesh: 'default', name: 'old' } },
    ]);
    expect(seen.map((e) => `${e.type} ${e.key.name}@${e.resource.version}`)).toEqual(['put new@1', 'delete old@1']);
    expect(seen[0]?.key).toEqual({ kind: 'MeshGateway', mesh: 'default', name: 'new' });
    // Each listener ran after the whole commit was stored, not between its ops.
    for (const read of await Promise.all(visible)) expect(read).toMatchObject({ name: 'new', version: '1' });
  });

  it('emits nothing for a failed write or a failed commit', async () => {
    await ctx.store.put(gateway('edge'));
    const seen: ChangeEvent[] = [];
    ctx.store.watch((event) => seen.push(event));
    await expect(ctx.store.put(gateway('edge'), { mustCreate: true })).rejects.toBeInstanceOf(ConflictError);
    await expect(
      ctx.store.commit([
        { op: 'put', resource: gateway('a') },
        { op: 'put', resource: gateway('edge'), options: { expectedVersion: '7' } },
      ]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await ctx.store.delete({ kind: 'MeshGateway', mesh: 'default', name: 'missing' })).toBe(false);
    expect(seen).toEqual([]);
  });

  it('delivers the resource handed to put, and the last stored one on delete', async () => {
    const seen: ChangeEvent[] = [];
    ctx.store.watch((event) => seen.push(event));
    const stored = await ctx.store.put(gateway('edge', 'default', 1));
    ctx.clock.tick(10);
    await ctx.store.put(gateway('edge', 'default', 2));
    await ctx.store.delete({ kind: 'MeshGateway', mesh: 'default', name: 'edge' });
    expect(seen[0]?.resource).toEqual(stored);
    expect(seen[2]?.type).toBe('delete');
    expect(seen[2]?.resource).toMatchObject({ version: '2', modificationTime: '2024-01-02T03:04:05.688Z' });
    expect(portOf(seen[2]?.resource)).toBe(2);
    expect(Object.isFrozen(seen[2]?.resource.spec)).toBe(true);
  });
}
