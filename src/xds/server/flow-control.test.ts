import { describe, expect, it } from 'vitest';
import { FirstPushQueue, MAX_PUSHBACK_MS, Semaphore, TokenBucket, defaultAdmission, defaultPushConcurrency } from './flow-control.js';
import { classifyFirstBytes } from './dataplane-port.js';
import { isZoneIngressProxy, parseProxyId, proxyNodeId } from './proxy-id.js';

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
  it('splits at the first dot and requires a name', () => {
    expect(parseProxyId('default.gw.with.dots')).toEqual({ mesh: 'default', name: 'gw.with.dots' });
    expect([parseProxyId('nodot'), parseProxyId('mesh.'), parseProxyId('.'), parseProxyId('')]).toEqual([undefined, undefined, undefined, undefined]);
    expect(proxyNodeId('default', 'gw')).toBe('default.gw');
  });

  it('reads `.<name>` as a zone ingress: no mesh (docs/multizone.md "Zone ingresses")', () => {
    const ingress = parseProxyId('.ingress-1');
    expect(ingress).toEqual({ mesh: '', name: 'ingress-1' });
    expect(isZoneIngressProxy(ingress!)).toBe(true);
    expect(isZoneIngressProxy(parseProxyId('default.gw')!)).toBe(false);
    expect(proxyNodeId('', 'ingress-1')).toBe('.ingress-1');
    expect(parseProxyId('.a.b')).toEqual({ mesh: '', name: 'a.b' });
  });
});

describe('TokenBucket pushback', () => {
  it('tells the k-th refused caller of a storm to come back when the k-th next token is due, never sooner', () => {
    let now = 1000;
    const bucket = new TokenBucket(100, 2, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
    // 10 ms per token at 100/s; no jitter (random = 0) gives the slots themselves.
    const waits = [1, 2, 3, 4].map(() => bucket.retryAfterMs(() => 0));
    expect(waits).toEqual([10, 20, 30, 40]);
    // Each caller that comes back at its slot finds its token (1 ms of slack for float rounding).
    const returns = waits.map((wait) => {
      now = 1001 + wait;
      return bucket.tryTake();
    });
    expect(returns).toEqual([true, true, true, true]);
    expect(bucket.tryTake()).toBe(false);
  });

  it('jitters upwards by at most 10 % or one refill interval, and caps the pushback at 30 s', () => {
    const now = 0;
    const bucket = new TokenBucket(10, 1, () => now);
    bucket.tryTake();
    expect(bucket.retryAfterMs(() => 0.999)).toBeLessThanOrEqual(100 + 100);
    for (let i = 0; i < 1000; i++) bucket.retryAfterMs();
    const late = bucket.retryAfterMs(() => 0.5);
    expect(late).toBe(MAX_PUSHBACK_MS);
  });

  it('defaults to 150 new streams per second per core with a two-second burst', () => {
    expect([defaultAdmission(2), defaultAdmission(16)]).toEqual([
      { ratePerSecond: 300, burst: 600 },
      { ratePerSecond: 1500, burst: 3000 },
    ]);
  });
});

describe('Semaphore and FirstPushQueue', () => {
  it('serves a holder resuming after a drain wait before new waiters', async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    await semaphore.acquire();
    const fresh = semaphore.acquire().then(() => order.push('new'));
    const resumed = semaphore.acquire(true).then(() => order.push('resumed'));
    semaphore.release();
    await resumed;
    semaphore.release();
    await fresh;
    expect(order).toEqual(['resumed', 'new']);
  });

  it('hands a released permit over in a later macrotask, so I/O runs between first pushes', async () => {
    const queue = new FirstPushQueue(1);
    await queue.acquire();
    let served = false;
    const next = queue.acquire().then(() => {
      served = true;
    });
    queue.release();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(served).toBe(false);
    await next;
    expect(served).toBe(true);
    expect(queue.waiting()).toBe(0);
  });
});
