// Watcher rules of the ResourceStore contract: subscription lifetime, isolation of a listener that
// breaks its contract, and the ban on writing from inside a listener. Part of describeStoreContract.
import { expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/core/store.js';
import { gateway, type ContractContext } from './store-fixtures.js';

/** The watcher half of the contract suite; called by describeStoreContract. */
export function describeStoreEvents(ctx: ContractContext): void {
  it('stops delivering after unsubscribe, and unsubscribe is idempotent', async () => {
    const seen: string[] = [];
    const stop = ctx.store.watch((event) => seen.push(event.key.name));
    await ctx.store.put(gateway('a'));
    stop();
    stop();
    await ctx.store.put(gateway('b'));
    expect(seen).toEqual(['a']);
  });

  it('treats the same function subscribed twice as two subscriptions', async () => {
    const seen: string[] = [];
    const listener = (event: ChangeEvent): void => {
      seen.push(event.key.name);
    };
    const first = ctx.store.watch(listener);
    ctx.store.watch(listener);
    await ctx.store.put(gateway('a'));
    first();
    await ctx.store.put(gateway('b'));
    expect(seen).toEqual(['a', 'a', 'b']);
  });

  it('keeps the write and the other listeners going when a listener throws', async () => {
    const seen: string[] = [];
    ctx.store.watch(() => {
      throw new Error('listener bug');
    });
    ctx.store.watch((event) => seen.push(`${event.type} ${event.key.name}`));
    const stored = await ctx.store.commit([
      { op: 'put', resource: gateway('a') },
      { op: 'put', resource: gateway('b') },
    ]);
    expect(stored).toHaveLength(2);
    expect(seen).toEqual(['put a', 'put b']);
    expect((await ctx.store.list('MeshGateway')).map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('rejects a write made from inside a listener, without losing the outer write', async () => {
    const nested: Promise<unknown>[] = [];
    ctx.store.watch((event) => {
      if (event.key.name === 'a') nested.push(ctx.store.put(gateway('from-listener')));
    });
    await ctx.store.put(gateway('a'));
    expect(nested).toHaveLength(1);
    await expect(nested[0]).rejects.toThrow(/inside a watcher/);
    expect((await ctx.store.list('MeshGateway')).map((r) => r.name)).toEqual(['a']);
    // Writing is allowed again once delivery finished.
    await ctx.store.put(gateway('b'));
    expect((await ctx.store.list('MeshGateway')).map((r) => r.name)).toEqual(['a', 'b']);
  });
}
