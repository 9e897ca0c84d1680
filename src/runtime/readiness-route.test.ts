import { describe, expect, it } from 'vitest';
import type { WatcherHealth } from '../k8s/watch/resource-watcher.js';
import { readinessReport, readinessRoute } from './readiness-route.js';

const synced: WatcherHealth = { synced: true, healthy: true, consecutiveFailures: 0 };
const waiting: WatcherHealth = { synced: false, healthy: false, consecutiveFailures: 2, lastError: 'API server unreachable: connect ECONNREFUSED' };
const failing: WatcherHealth = { synced: true, healthy: false, consecutiveFailures: 1, lastError: 'API server error (HTTP 503)' };

describe('readinessReport', () => {
  it('is not ready, and names what it waits for, until every watcher has listed once', () => {
    const report = readinessReport({ started: () => false, watchers: () => ({ 'store/Mesh': waiting, 'store/Secret': synced }) });
    expect(report).toMatchObject({ ready: false, degraded: true, waitingFor: ['store/Mesh'] });
    expect(report.watchers['store/Mesh']?.lastError).toContain('unreachable');
  });

  it('stays ready while a synced watcher fails (the cached view is served) but reports it degraded', () => {
    const report = readinessReport({ started: () => true, watchers: () => ({ 'store/Mesh': failing, 'controllers/api/v1/pods': synced }) });
    expect(report).toMatchObject({ ready: true, degraded: true, waitingFor: [] });
    expect(Object.keys(report.watchers)).toEqual(['controllers/api/v1/pods', 'store/Mesh']);
  });

  it('is not ready before startup completed even when every watcher is synced', () => {
    expect(readinessReport({ started: () => false, watchers: () => ({ 'store/Mesh': synced }) })).toMatchObject({ ready: false, degraded: false });
  });

  it('carries the leader election state when there is one', () => {
    const report = readinessReport({ started: () => true, watchers: () => ({}), leadership: () => ({ leader: false, holder: 'cp-1' }) });
    expect(report).toMatchObject({ ready: true, leader: false, leaderHolder: 'cp-1' });
  });
});

describe('readinessRoute', () => {
  it('answers 503 when not ready and 200 when ready', async () => {
    let started = false;
    const route = readinessRoute({ started: () => started, watchers: () => ({ 'store/Mesh': synced }) });
    const request = {} as Parameters<typeof route.handler>[0];
    expect((await route.handler(request, {})).status).toBe(503);
    started = true;
    expect((await route.handler(request, {})).status).toBe(200);
  });
});
