import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../test/support/deep-freeze.js';
import type { StoredResource } from '../core/resource.js';
import type { GatewayInput, GatewayTranslation } from './gateway-input.js';
import { selectGateway } from './select-gateway.js';
import {
  CONDITION_ACCEPTED,
  CONDITION_PROGRAMMED,
  CONDITION_RESOLVED_REFS,
  computeStatuses,
  joinListed,
  MAX_LISTED,
  statusKey,
  type Condition,
  type ProxyDelivery,
  type ProxyTranslation,
  type ResourceStatus,
  type StatusInput,
  type StatusMap,
} from './status.js';
import { storedResource } from './testdata/load-case.js';
import { translateGateway } from './translate-gateway.js';

const T1 = '2024-05-01T10:00:00.000Z';
const T2 = '2024-05-01T10:05:00.000Z';
const T3 = '2024-05-01T10:09:00.000Z';

const MESH = storedResource<'Mesh'>({ type: 'Mesh', name: 'default' });

function proxy(name: string, tags: Record<string, string> = {}): StoredResource<'Dataplane'> {
  return storedResource({
    type: 'Dataplane',
    name,
    networking: { address: '10.0.0.1', gateway: { type: 'BUILTIN', tags: { 'kuma.io/service': 'edge', ...tags } } },
  });
}

function backend(name: string, tags: Record<string, string>, extra: Record<string, unknown> = {}): StoredResource<'Dataplane'> {
  return storedResource({ type: 'Dataplane', name, networking: { address: '10.0.1.1', inbound: [{ port: 8080, tags, ...extra }] } });
}

/** A MeshGateway listener as a test writes it. */
type RawListener = Record<string, unknown>;

function gateway(name: string, listeners: RawListener[], selector: Record<string, string> = { 'kuma.io/service': 'edge' }) {
  return storedResource<'MeshGateway'>({ type: 'MeshGateway', name, selectors: [{ match: selector }], conf: { listeners } });
}

function httpRoute(name: string, selector: Record<string, string>, rules: unknown[], version = '1'): StoredResource<'MeshGatewayRoute'> {
  const r = storedResource<'MeshGatewayRoute'>({ type: 'MeshGatewayRoute', name, selectors: [{ match: selector }], conf: { http: { rules } } });
  return { ...r, version };
}

function tcpRoute(name: string, selector: Record<string, string>, services: string[]): StoredResource<'MeshGatewayRoute'> {
  const backends = services.map((s) => ({ destination: { 'kuma.io/service': s } }));
  return storedResource({ type: 'MeshGatewayRoute', name, selectors: [{ match: selector }], conf: { tcp: { rules: [{ backends }] } } });
}

/** An HTTP rule forwarding `/` to the given destinations. */
function forwardTo(...destinations: Record<string, string>[]): unknown {
  return { matches: [{ path: { match: 'PREFIX', value: '/' } }], backends: destinations.map((destination) => ({ destination })) };
}

const HTTP_8080: RawListener = { port: 8080, protocol: 'HTTP' };
const EDGE = gateway('edge', [HTTP_8080]);
const ECHO = backend('echo-1', { 'kuma.io/service': 'echo', version: 'v1' });
const WEB = httpRoute('web', { 'kuma.io/service': 'edge' }, [forwardTo({ 'kuma.io/service': 'echo' })]);

interface Resources {
  gateways?: StoredResource<'MeshGateway'>[];
  routes?: StoredResource<'MeshGatewayRoute'>[];
  dataplanes: StoredResource<'Dataplane'>[];
}

/** The real translation of every gateway proxy, as the runtime would record it. */
function translateAll(r: Resources): ProxyTranslation[] {
  const gateways = r.gateways ?? [EDGE];
  const routes = r.routes ?? [WEB];
  return r.dataplanes
    .filter((d) => d.spec.networking.gateway !== undefined)
    .map((p) => {
      const input: GatewayInput = { mesh: MESH, proxy: p, gateways, routes, dataplanes: r.dataplanes, secrets: [], files: new Map() };
      const selected = selectGateway(p, gateways)?.name;
      return { proxy: p.name, ...(selected ? { gateway: selected } : {}), translation: translateGateway(input) };
    });
}

const ALL_ACKED: ProxyDelivery = { connected: true, acked: true };
const RE2_DETAIL = "Error adding/updating route config: invalid regex '/(?=a)b': invalid perl operator: (?=";
/** A connected proxy that NACKed the RouteConfiguration of listener `edge:HTTP:8080`. */
const REJECTED_ROUTES: ProxyDelivery = {
  connected: true,
  acked: false,
  rejected: [{ type: 'RouteConfiguration', resources: ['edge:HTTP:8080:*'], detail: RE2_DETAIL }],
};

function input(r: Resources, delivery: Record<string, ProxyDelivery> | 'all-acked' = 'all-acked', translations?: ProxyTranslation[]): StatusInput {
  const ts = translations ?? translateAll(r);
  const d = delivery === 'all-acked' ? new Map(ts.map((t) => [t.proxy, ALL_ACKED])) : new Map(Object.entries(delivery));
  return deepFreeze({ mesh: 'default', gateways: r.gateways ?? [EDGE], routes: r.routes ?? [WEB], dataplanes: r.dataplanes, translations: ts, delivery: d });
}

function status(statuses: StatusMap, kind: 'MeshGateway' | 'MeshGatewayRoute', name: string): ResourceStatus {
  const s = statuses.get(statusKey(kind, 'default', name));
  if (s === undefined) throw new Error(`no status for ${kind} ${name}`);
  return s;
}

function condition(s: ResourceStatus, type: string): Condition {
  const c = s.conditions.find((x) => x.type === type);
  if (c === undefined) throw new Error(`no ${type} condition`);
  return c;
}

/** The (status, reason, message) of one condition, for table assertions. */
function summary(s: ResourceStatus, type: string): [string, string, string] {
  const c = condition(s, type);
  return [c.status, c.reason, c.message];
}

const failed = (message: string): GatewayTranslation => ({
  failed: true,
  problems: [{ resource: { kind: 'MeshGateway', mesh: 'default', name: 'edge' }, message }],
});

describe('MeshGateway conditions', () => {
  const gw1 = proxy('gw-1');
  const gw2 = proxy('gw-2');
  const cases: { name: string; statusInput: () => StatusInput; accepted: [string, string, string]; programmed: [string, string, string] }[] = [
    {
      name: 'valid, every proxy connected and acknowledged',
      statusInput: () => input({ dataplanes: [gw1, gw2, ECHO] }),
      accepted: ['True', 'Accepted', 'accepted'],
      programmed: ['True', 'Programmed', '2/2 proxies acknowledged the current configuration'],
    },
    {
      name: 'problems attributed to the gateway (a skipped listener)',
      statusInput: () =>
        input({ dataplanes: [gw1], gateways: [gateway('edge', [{ port: 80, protocol: 'HTTP', hostname: 'a.io' }, { port: 80, protocol: 'HTTP', hostname: 'a.io' }])] }),
      accepted: ['False', 'Invalid', 'conf.listeners[1]: multiple listeners for hostname on this port; listener skipped'],
      programmed: ['True', 'Programmed', '1/1 proxies acknowledged the current configuration'],
    },
    {
      name: 'generation failed (docs/gateway.md §4.6): proxies keep their last good config',
      statusInput: () =>
        input({ dataplanes: [gw1, gw2] }, 'all-acked', [
          { proxy: 'gw-1', gateway: 'edge', translation: failed('mTLS must be enabled for crossMesh-enabled MeshGateways') },
          { proxy: 'gw-2', gateway: 'edge', translation: failed('mTLS must be enabled for crossMesh-enabled MeshGateways') },
        ]),
      accepted: ['False', 'Invalid', 'mTLS must be enabled for crossMesh-enabled MeshGateways'],
      programmed: ['False', 'Invalid', 'generation failed for 2/2 proxies, which keep their last good configuration'],
    },
    {
      name: 'snapshot not published for one proxy (an internal error, not the user config)',
      statusInput: () => {
        const [t1, t2] = translateAll({ dataplanes: [gw1, gw2, ECHO] });
        return input({ dataplanes: [gw1, gw2, ECHO] }, 'all-acked', [t1!, { ...t2!, error: 'inconsistent snapshot' }]);
      },
      accepted: ['True', 'Accepted', 'accepted'],
      programmed: ['False', 'Invalid', 'generation failed for 1/2 proxies, which keep their last good configuration: inconsistent snapshot'],
    },
    {
      name: 'no gateway dataplane selects it',
      statusInput: () => input({ dataplanes: [proxy('gw-other', { 'kuma.io/service': 'other' }), ECHO] }),
      accepted: ['True', 'Accepted', 'accepted'],
      programmed: ['False', 'NoProxies', 'no gateway Dataplane selects this MeshGateway'],
    },
    {
      name: "a proxy rejected (NACKed) the current configuration: Envoy's reason is said",
      statusInput: () => input({ dataplanes: [gw1, gw2, ECHO] }, { 'gw-1': ALL_ACKED, 'gw-2': REJECTED_ROUTES }),
      accepted: ['True', 'Accepted', 'accepted'],
      programmed: ['False', 'Rejected', `1/2 proxies rejected the configuration: RouteConfiguration "edge:HTTP:8080:*": ${RE2_DETAIL}`],
    },
    {
      name: 'generation failure outranks a rejection (the proxies keep their last good config either way)',
      statusInput: () =>
        input({ dataplanes: [gw1] }, { 'gw-1': REJECTED_ROUTES }, [{ proxy: 'gw-1', gateway: 'edge', translation: failed('bad certificate') }]),
      accepted: ['False', 'Invalid', 'bad certificate'],
      programmed: ['False', 'Invalid', 'generation failed for 1/1 proxies, which keep their last good configuration'],
    },
    {
      name: 'some proxies have not acknowledged yet',
      statusInput: () => input({ dataplanes: [gw1, gw2, ECHO] }, { 'gw-1': ALL_ACKED, 'gw-2': { connected: true, acked: false } }),
      accepted: ['True', 'Accepted', 'accepted'],
      programmed: ['False', 'Pending', '1/2 proxies acknowledged the current configuration'],
    },
  ];

  it.each(cases)('$name', ({ statusInput, accepted, programmed }) => {
    const s = status(computeStatuses(statusInput(), { now: T1 }), 'MeshGateway', 'edge');
    expect(s.conditions.map((c) => c.type)).toEqual([CONDITION_ACCEPTED, CONDITION_PROGRAMMED]);
    expect(summary(s, CONDITION_ACCEPTED)).toEqual(accepted);
    expect(summary(s, CONDITION_PROGRAMMED)).toEqual(programmed);
  });

  it('counts proxies: acknowledged means connected and ACKed; disconnected ones are named', () => {
    const dataplanes = [proxy('gw-1'), proxy('gw-2'), proxy('gw-3'), proxy('gw-4'), ECHO];
    const delivery = {
      'gw-1': ALL_ACKED,
      'gw-2': { connected: true, acked: false },
      // ACKed on an earlier stream but gone now: not counted as acknowledged.
      'gw-3': { connected: false, acked: true },
      // gw-4 never connected: absent from delivery.
    };
    const s = status(computeStatuses(input({ dataplanes }, delivery), { now: T1 }), 'MeshGateway', 'edge');
    expect(s.proxies).toEqual({ selected: 4, connected: 2, acknowledged: 1, rejected: 0 });
    expect(summary(s, CONDITION_PROGRAMMED)).toEqual(['False', 'Pending', '1/4 proxies acknowledged the current configuration; 2 not connected']);
  });

  it('lists at most MAX_LISTED problems and counts the rest', () => {
    const problems = Array.from({ length: MAX_LISTED + 2 }, (_, i) => `problem ${i}`);
    expect(joinListed(problems)).toBe(`${problems.slice(0, MAX_LISTED).join('; ')}; and 2 more`);
  });
});

describe('MeshGatewayRoute conditions', () => {
  const gw1 = proxy('gw-1');

  it('a bound route with served backends is Accepted, ResolvedRefs and Programmed', () => {
    const s = status(computeStatuses(input({ dataplanes: [gw1, ECHO] }), { now: T1 }), 'MeshGatewayRoute', 'web');
    expect(s.conditions.map((c) => c.type)).toEqual([CONDITION_ACCEPTED, CONDITION_RESOLVED_REFS, CONDITION_PROGRAMMED]);
    expect(summary(s, CONDITION_ACCEPTED)).toEqual(['True', 'Accepted', 'accepted']);
    expect(summary(s, CONDITION_RESOLVED_REFS)).toEqual(['True', 'ResolvedRefs', 'every backend has an endpoint']);
    expect(summary(s, CONDITION_PROGRAMMED)).toEqual(['True', 'Programmed', '1/1 proxies acknowledged the current configuration']);
    expect(s.proxies).toEqual({ selected: 1, connected: 1, acknowledged: 1, rejected: 0 });
  });

  it('a tcp route selecting only an HTTP listener is NotBound (docs/gateway.md §2.5) and reaches no proxy', () => {
    const db = tcpRoute('db', { 'kuma.io/service': 'edge' }, ['echo']);
    const s = status(computeStatuses(input({ dataplanes: [gw1, ECHO], routes: [WEB, db] }), { now: T1 }), 'MeshGatewayRoute', 'db');
    expect(summary(s, CONDITION_ACCEPTED)).toEqual([
      'False',
      'NotBound',
      'route is bound to no listener: its selectors match only HTTP listeners, and a tcp route binds only to TCP and TLS listeners',
    ]);
    expect(summary(s, CONDITION_PROGRAMMED)).toEqual(['False', 'NoProxies', 'no gateway proxy serves this route']);
    expect(s.proxies).toEqual({ selected: 0, connected: 0, acknowledged: 0, rejected: 0 });
  });

  it('a route whose selectors match no listener is NotBound', () => {
    const lost = httpRoute('lost', { 'kuma.io/service': 'elsewhere' }, [forwardTo({ 'kuma.io/service': 'echo' })]);
    const s = status(computeStatuses(input({ dataplanes: [gw1, ECHO], routes: [lost] }), { now: T1 }), 'MeshGatewayRoute', 'lost');
    expect(summary(s, CONDITION_ACCEPTED)).toEqual(['False', 'NotBound', 'route is bound to no listener']);
  });

  it('binding uses merged listener tags per proxy: a route reaches only the proxies whose tags it selects', () => {
    const east = proxy('gw-east', { zone: 'east' });
    const west = proxy('gw-west', { zone: 'west' });
    const eastOnly = httpRoute('east-only', { 'kuma.io/service': 'edge', zone: 'east' }, [forwardTo({ 'kuma.io/service': 'echo' })]);
    const delivery = { 'gw-east': ALL_ACKED, 'gw-west': { connected: true, acked: false } };
    const statuses = computeStatuses(input({ dataplanes: [east, west, ECHO], routes: [eastOnly] }, delivery), { now: T1 });
    const route = status(statuses, 'MeshGatewayRoute', 'east-only');
    expect(route.proxies).toEqual({ selected: 1, connected: 1, acknowledged: 1, rejected: 0 });
    expect(summary(route, CONDITION_PROGRAMMED)[0]).toBe('True');
    expect(summary(status(statuses, 'MeshGateway', 'edge'), CONDITION_PROGRAMMED)).toEqual([
      'False',
      'Pending',
      '1/2 proxies acknowledged the current configuration',
    ]);
  });

  it('a route with translation problems is Invalid, with the messages', () => {
    const redirect = { matches: [{ path: { match: 'PREFIX', value: '/' } }], filters: [{ redirect: { statusCode: 305 } }] };
    const bad = httpRoute('bad', { 'kuma.io/service': 'edge' }, [redirect, forwardTo({ 'kuma.io/service': 'echo' })]);
    const s = status(computeStatuses(input({ dataplanes: [gw1, ECHO], routes: [bad] }), { now: T1 }), 'MeshGatewayRoute', 'bad');
    expect(summary(s, CONDITION_ACCEPTED)).toEqual(['False', 'Invalid', 'redirect status code 305 is not supported; rule skipped']);
  });

  it('BackendNotFound names every destination no healthy Dataplane serves, mirrors and the unresolved backend included', () => {
    const unhealthy = backend('cache-1', { 'kuma.io/service': 'cache' }, { health: { ready: false } });
    const rule = {
      matches: [{ path: { match: 'PREFIX', value: '/' } }],
      filters: [{ mirror: { backend: { destination: { 'kuma.io/service': 'shadow' } } } }],
      backends: [
        { destination: { 'kuma.io/service': 'echo', version: 'v1' } },
        { destination: { version: 'v2', 'kuma.io/service': 'echo', az: 'b' } },
        { destination: { 'kuma.io/service': 'cache' } },
        { destination: { 'kuma.io/service': 'kuma.io/unresolved-backend' } },
        { destination: { 'kuma.io/service': 'echo', version: 'v2', az: 'b' } },
      ],
    };
    const route = httpRoute('web', { 'kuma.io/service': 'edge' }, [rule]);
    const s = status(computeStatuses(input({ dataplanes: [gw1, ECHO, unhealthy], routes: [route] }), { now: T1 }), 'MeshGatewayRoute', 'web');
    expect(summary(s, CONDITION_RESOLVED_REFS)).toEqual([
      'False',
      'BackendNotFound',
      [
        'no Dataplane serves kuma.io/service=echo, az=b, version=v2',
        'no Dataplane serves kuma.io/service=cache',
        'no Dataplane serves kuma.io/service=kuma.io/unresolved-backend',
        'no Dataplane serves kuma.io/service=shadow',
      ].join('; '),
    ]);
    // Unresolved references do not unbind the route.
    expect(summary(s, CONDITION_ACCEPTED)[0]).toBe('True');
  });

  it('a TCP route on a TCP listener is bound, and its missing backend is reported', () => {
    const tcpGateway = gateway('edge', [{ port: 9000, protocol: 'TCP' }]);
    const db = tcpRoute('db', { 'kuma.io/service': 'edge' }, ['postgres']);
    const s = status(computeStatuses(input({ dataplanes: [gw1, ECHO], gateways: [tcpGateway], routes: [db] }), { now: T1 }), 'MeshGatewayRoute', 'db');
    expect(summary(s, CONDITION_ACCEPTED)).toEqual(['True', 'Accepted', 'accepted']);
    expect(summary(s, CONDITION_RESOLVED_REFS)).toEqual(['False', 'BackendNotFound', 'no Dataplane serves kuma.io/service=postgres']);
  });

  describe('Rejected: a NACK is attributed to the routes of the listeners it names', () => {
    const twoPorts = gateway('edge', [
      { port: 8080, protocol: 'HTTP', tags: { port: 'a' } },
      { port: 9090, protocol: 'HTTP', tags: { port: 'b' } },
    ]);
    const onA = httpRoute('on-a', { 'kuma.io/service': 'edge', port: 'a' }, [forwardTo({ 'kuma.io/service': 'echo' })]);
    const onB = httpRoute('on-b', { 'kuma.io/service': 'edge', port: 'b' }, [forwardTo({ 'kuma.io/service': 'echo' })]);
    const rejecting = (type: string, resources: string[]): ProxyDelivery => ({ connected: true, acked: true, rejected: [{ type, resources, detail: 'refused' }] });
    const programmedOf = (delivery: ProxyDelivery) => {
      const statuses = computeStatuses(input({ dataplanes: [gw1, ECHO], gateways: [twoPorts], routes: [onA, onB] }, { 'gw-1': delivery }), { now: T1 });
      return (['on-a', 'on-b'] as const).map((name) => summary(status(statuses, 'MeshGatewayRoute', name), CONDITION_PROGRAMMED).slice(0, 2).join('/'));
    };

    it.each<[string, ProxyDelivery, string[]]>([
      ['the RouteConfiguration of port 8080', rejecting('RouteConfiguration', ['edge:HTTP:8080:*']), ['False/Rejected', 'True/Programmed']],
      ['the Listener of port 9090', rejecting('Listener', ['edge:HTTP:9090']), ['True/Programmed', 'False/Rejected']],
      ['a Cluster (not attributable by name)', rejecting('Cluster', ['echo-abc']), ['False/Rejected', 'False/Rejected']],
      ['a response naming no resource', rejecting('RouteConfiguration', []), ['False/Rejected', 'False/Rejected']],
    ])('%s', (_what, delivery, expected) => {
      expect(programmedOf(delivery)).toEqual(expected);
    });

    it('the message counts the rejecting proxies and carries the detail; counts say who rejected', () => {
      const gw2 = proxy('gw-2');
      const delivery = { 'gw-1': rejecting('RouteConfiguration', ['edge:HTTP:8080:*']), 'gw-2': ALL_ACKED };
      const statuses = computeStatuses(input({ dataplanes: [gw1, gw2, ECHO], gateways: [twoPorts], routes: [onA, onB] }, delivery), { now: T1 });
      const route = status(statuses, 'MeshGatewayRoute', 'on-a');
      expect(summary(route, CONDITION_PROGRAMMED)).toEqual(['False', 'Rejected', '1/2 proxies rejected the configuration: RouteConfiguration "edge:HTTP:8080:*": refused']);
      expect(route.proxies).toEqual({ selected: 2, connected: 2, acknowledged: 1, rejected: 1 });
      expect(status(statuses, 'MeshGatewayRoute', 'on-b').proxies).toEqual({ selected: 2, connected: 2, acknowledged: 2, rejected: 0 });
      expect(status(statuses, 'MeshGateway', 'edge').proxies).toEqual({ selected: 2, connected: 2, acknowledged: 1, rejected: 1 });
    });

    it('recovery: once nothing current is rejected, the route is Programmed again with a new transition time', () => {
      const before = computeStatuses(input({ dataplanes: [gw1, ECHO] }, { 'gw-1': REJECTED_ROUTES }), { now: T1 });
      const after = computeStatuses(input({ dataplanes: [gw1, ECHO] }, { 'gw-1': ALL_ACKED }), { now: T2, previous: before });
      expect(condition(status(before, 'MeshGatewayRoute', 'web'), CONDITION_PROGRAMMED)).toMatchObject({ status: 'False', reason: 'Rejected' });
      expect(condition(status(after, 'MeshGatewayRoute', 'web'), CONDITION_PROGRAMMED)).toMatchObject({ status: 'True', reason: 'Programmed', lastTransitionTime: T2 });
    });
  });

  it('a route reaching a proxy whose generation failed is not Programmed', () => {
    const statuses = computeStatuses(
      input({ dataplanes: [gw1, ECHO] }, 'all-acked', [{ proxy: 'gw-1', gateway: 'edge', translation: failed('unsupported TLS mode "NONE"') }]),
      { now: T1 },
    );
    const s = status(statuses, 'MeshGatewayRoute', 'web');
    expect(summary(s, CONDITION_PROGRAMMED)).toEqual(['False', 'Invalid', 'generation failed for 1/1 proxies, which keep their last good configuration']);
  });
});

describe('transition times and determinism', () => {
  const dataplanes = [proxy('gw-1'), proxy('gw-2'), proxy('gw-3'), ECHO];
  const translations = translateAll({ dataplanes });
  const at = (acked: string[], now: string, previous?: StatusMap) =>
    computeStatuses(
      input({ dataplanes }, Object.fromEntries(['gw-1', 'gw-2', 'gw-3'].map((p) => [p, { connected: true, acked: acked.includes(p) }])), translations),
      { now, ...(previous ? { previous } : {}) },
    );

  it('keeps lastTransitionTime while a status stays, and moves it when the status changes', () => {
    const first = at(['gw-1'], T1);
    const second = at(['gw-1', 'gw-2'], T2, first);
    const third = at(['gw-1', 'gw-2', 'gw-3'], T3, second);
    const programmed = (m: StatusMap) => condition(status(m, 'MeshGateway', 'edge'), CONDITION_PROGRAMMED);
    expect(programmed(first)).toMatchObject({ status: 'False', message: '1/3 proxies acknowledged the current configuration', lastTransitionTime: T1 });
    // Same status, new message: the transition time stays.
    expect(programmed(second)).toMatchObject({ status: 'False', message: '2/3 proxies acknowledged the current configuration', lastTransitionTime: T1 });
    expect(programmed(third)).toMatchObject({ status: 'True', reason: 'Programmed', lastTransitionTime: T3 });
    // Accepted never changed.
    expect(condition(status(third, 'MeshGateway', 'edge'), CONDITION_ACCEPTED).lastTransitionTime).toBe(T1);
    expect(condition(status(third, 'MeshGatewayRoute', 'web'), CONDITION_RESOLVED_REFS).lastTransitionTime).toBe(T1);
  });

  it('is deterministic: gateways then routes by name, equal output for equal input', () => {
    const routes = [httpRoute('b', { 'kuma.io/service': 'edge' }, [forwardTo({ 'kuma.io/service': 'echo' })]), WEB, httpRoute('a', { 'kuma.io/service': 'edge' }, [forwardTo({ 'kuma.io/service': 'echo' })])];
    const gateways = [gateway('zz', [HTTP_8080], { 'kuma.io/service': 'none' }), EDGE];
    const once = () => computeStatuses(input({ dataplanes, routes, gateways }), { now: T1 });
    expect([...once().keys()]).toEqual([
      'MeshGateway/default/edge',
      'MeshGateway/default/zz',
      'MeshGatewayRoute/default/a',
      'MeshGatewayRoute/default/b',
      'MeshGatewayRoute/default/web',
    ]);
    expect(JSON.stringify([...once()])).toBe(JSON.stringify([...once()]));
  });

  it('reports the resource version as observedGeneration when it is a counter', () => {
    const v7 = httpRoute('web', { 'kuma.io/service': 'edge' }, [forwardTo({ 'kuma.io/service': 'echo' })], '7');
    const opaque = httpRoute('web', { 'kuma.io/service': 'edge' }, [forwardTo({ 'kuma.io/service': 'echo' })], 'abc');
    const gen = (route: StoredResource<'MeshGatewayRoute'>) =>
      status(computeStatuses(input({ dataplanes, routes: [route] }), { now: T1 }), 'MeshGatewayRoute', 'web').conditions.map((c) => c.observedGeneration);
    expect(gen(v7)).toEqual([7, 7, 7]);
    expect(gen(opaque)).toEqual([undefined, undefined, undefined]);
  });

  it('ignores resources of other meshes', () => {
    const foreign = { ...EDGE, mesh: 'other' };
    const statuses = computeStatuses(input({ dataplanes, gateways: [EDGE, foreign] }), { now: T1 });
    expect([...statuses.keys()].filter((k) => k.includes('/other/'))).toEqual([]);
  });
});
