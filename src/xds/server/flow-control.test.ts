import { describe, expect, it } from 'vitest';
import { Semaphore, TokenBucket, defaultPushConcurrency } from './flow-control.js';
import { classifyFirstBytes } from './dataplane-port.js';
import { parseProxyId, proxyNodeId } from './proxy-id.js';

describe('TokenBucket', () => {
  it('admits a burst, then refills at the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    now = 500;
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    now = 60_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
  });

  it('uses min(15 + 5 × cores, 100) as the default', () => {
    expect([defaultPushConcurrency(2), defaultPushConcurrency(16), defaultPushConcurrency(64)]).toEqual([25, 95, 100]);
  });
});

describe('Semaphore', () => {
  it('hands permits to waiters in order', async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    await semaphore.acquire();
    const a = semaphore.acquire().then(() => order.push('a'));
    const b = semaphore.acquire().then(() => order.push('b'));
    semaphore.release();
    await a;
    semaphore.release();
    await b;
    expect(order).toEqual(['a', 'b']);
  });
});

describe('classifyFirstBytes', () => {
  it.each([
    ['', 'undecided'],
    ['PRI * HTTP/2', 'undecided'],
    ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'h2'],
    ['POST /bootstrap HTTP/1.1\r\n', 'http1'],
    ['PRX', 'http1'],
  ])('%j → %s', (text, kind) => {
    expect(classifyFirstBytes(Buffer.from(text, 'latin1'))).toBe(kind);
  });
});

describe('parseProxyId', () => {
  it('splits at the first dot and requires both parts', () => {
    expect(parseProxyId('default.gw.with.dots')).toEqual({ mesh: 'default', name: 'gw.with.dots' });
    expect([parseProxyId('nodot'), parseProxyId('.name'), parseProxyId('mesh.'), parseProxyId('')]).toEqual([undefined, undefined, undefined, undefined]);
    expect(proxyNodeId('default', 'gw')).toBe('default.gw');
  });
});
