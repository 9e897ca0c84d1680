import { describe, expect, it } from 'vitest';
import { MAX_LISTED } from './status-conditions.js';
import { collectRejections, describeRejection, rejectedMessage, rejectionOfRoute, type RejectedConfig } from './status-rejections.js';

const rds = (...resources: string[]): RejectedConfig => ({ type: 'RouteConfiguration', resources, detail: 'invalid perl operator: (?=' });

describe('rejection attribution to a route', () => {
  it.each<[string, RejectedConfig, string[], boolean]>([
    ['its listener\'s route table', rds('edge:HTTP:8080:*'), ['edge:HTTP:8080'], true],
    ['an HTTPS hostname table of its listener', rds('edge:HTTPS:443:a.example.com'), ['edge:HTTPS:443'], true],
    ['a table of a port that merely starts alike', rds('edge:HTTP:8080:*'), ['edge:HTTP:80'], false],
    ['one of several tables in one response', rds('edge:HTTP:7070:*', 'edge:HTTP:8080:*'), ['edge:HTTP:8080'], true],
    ['its listener', { type: 'Listener', resources: ['edge:HTTP:80', 'edge:HTTP:8080'], detail: 'x' }, ['edge:HTTP:80'], true],
    ['another listener', { type: 'Listener', resources: ['edge:HTTP:8080'], detail: 'x' }, ['edge:HTTP:80'], false],
    ['a cluster', { type: 'Cluster', resources: ['echo'], detail: 'x' }, ['edge:HTTP:80'], true],
    ['a response without names', rds(), ['edge:HTTP:80'], true],
  ])('%s', (_what, rejection, listeners, expected) => {
    expect(rejectionOfRoute(rejection, listeners)).toBe(expected);
  });
});

describe('rejection messages', () => {
  it("names the type and resources before Envoy's detail", () => {
    expect(describeRejection(rds('edge:HTTP:8080:*'))).toBe('RouteConfiguration "edge:HTTP:8080:*": invalid perl operator: (?=');
    expect(describeRejection({ type: 'Listener', resources: ['a', 'b'], detail: 'bind' })).toBe('Listener "a", "b": bind');
    expect(describeRejection({ type: 'Secret', resources: [], detail: 'bad key' })).toBe('Secret: bad key');
  });

  it('counts proxies once, lists each distinct rejection once, in proxy order, bounded', () => {
    const byProxy: Record<string, RejectedConfig[]> = {
      a: [rds('t1'), { type: 'Cluster', resources: ['c'], detail: 'x' }],
      b: [rds('t1')],
      c: [],
      d: Array.from({ length: MAX_LISTED + 1 }, (_, i) => rds(`more-${i}`)),
    };
    const all = collectRejections(['a', 'b', 'c', 'd'], (p) => byProxy[p] ?? [], () => true);
    expect(all.proxies).toEqual(['a', 'b', 'd']);
    expect(all.messages.slice(0, 2)).toEqual(['RouteConfiguration "t1": invalid perl operator: (?=', 'Cluster "c": x']);
    expect(rejectedMessage(all, 4)).toMatch(/^3\/4 proxies rejected the configuration: RouteConfiguration "t1": .*; and 3 more$/);
    const clustersOnly = collectRejections(['a', 'b'], (p) => byProxy[p] ?? [], (_p, r) => r.type === 'Cluster');
    expect(clustersOnly).toEqual({ proxies: ['a'], messages: ['Cluster "c": x'] });
  });
});
