import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../core/resource.js';
import { planApply, type ReceivedResource } from './sync-apply.js';

const stored = (name: string, labels: Record<string, string> | undefined, spec: unknown = {}): StoredResource =>
  ({ kind: 'Mesh', mesh: name, name, spec, ...(labels ? { labels } : {}), version: '1', creationTime: '', modificationTime: '' }) as StoredResource;
const received = (name: string, spec: unknown = {}, labels: Record<string, string> = { 'kuma.io/origin': 'global' }): ReceivedResource => ({
  ok: true,
  wireName: `${name}.`,
  resource: { kind: 'Mesh', mesh: '', name, labels, spec },
});
const fromGlobal = (s: StoredResource): boolean => s.labels?.['kuma.io/origin'] === 'global';

describe('planApply (docs/multizone.md §3.5)', () => {
  it('a complete set creates, updates, deletes stale copies in scope and leaves local objects alone', () => {
    const plan = planApply({
      kind: 'Mesh',
      complete: true,
      received: [received('a'), received('b', { logging: { defaultBackend: 'x', backends: [{ name: 'x', type: 'file', conf: { path: '/tmp/x' } }] } })],
      removed: [],
      stored: [stored('b', { 'kuma.io/origin': 'global' }), stored('stale', { 'kuma.io/origin': 'global' }), stored('local', undefined)],
      inScope: fromGlobal,
    });
    expect(plan.rejected).toEqual([]);
    expect(plan.ops.map((o) => (o.op === 'put' ? `put ${o.resource.name}` : `delete ${o.key.name}`))).toEqual(['put a', 'put b', 'delete stale']);
  });

  it('does not rewrite an unchanged copy', () => {
    const plan = planApply({ kind: 'Mesh', complete: true, received: [received('a')], removed: [], stored: [stored('a', { 'kuma.io/origin': 'global' })], inScope: fromGlobal });
    expect(plan).toEqual({ ops: [], rejected: [], unchanged: 1 });
  });

  it('a delta deletes only what it lists as removed, and only in scope', () => {
    const plan = planApply({ kind: 'Mesh', complete: false, received: [], removed: ['a.', 'local.', 'missing.'], stored: [stored('a', { 'kuma.io/origin': 'global' }), stored('b', { 'kuma.io/origin': 'global' }), stored('local', undefined)], inScope: fromGlobal });
    expect(plan.ops).toEqual([{ op: 'delete', key: { kind: 'Mesh', mesh: 'a', name: 'a' } }]);
  });

  it('rejects invalid resources with field paths, name conflicts with local objects, unreadable envelopes and mismatched names; stores the rest', () => {
    const plan = planApply({
      kind: 'Mesh',
      complete: true,
      received: [
        received('bad', { mtls: { enabledBackend: 'missing' } }),
        received('local'),
        { ok: false, wireName: 'broken.', message: 'unreadable resource: bad bytes' },
        { ok: true, wireName: 'other.', resource: { kind: 'Mesh', mesh: '', name: 'renamed', labels: {}, spec: {} } },
        received('good'),
      ],
      removed: [],
      stored: [stored('local', undefined), stored('bad', { 'kuma.io/origin': 'global' })],
      inScope: fromGlobal,
    });
    expect(plan.ops.map((o) => (o.op === 'put' ? o.resource.name : `-${o.key.name}`))).toEqual(['good']);
    expect(plan.rejected.map((r) => r.name)).toEqual(['bad.', 'local.', 'broken.', 'other.']);
    expect(plan.rejected[0]!.message).toMatch(/^mtls\.enabledBackend: /);
    expect(plan.rejected[1]!.message).toBe('a Mesh named local that was not synced from this peer already exists');
    // The last good copy of a rejected resource is kept, even in a complete set.
    expect(plan.ops.some((o) => o.op === 'delete')).toBe(false);
  });

  it('applies the prepare step (the global pins the zone) before checking and storing', () => {
    const plan = planApply({
      kind: 'Mesh',
      complete: true,
      received: [received('a', {}, {})],
      removed: [],
      stored: [],
      inScope: () => true,
      prepare: (r) => ({ ...r, labels: { 'kuma.io/zone': 'zone-1' } }),
    });
    expect(plan.ops).toEqual([{ op: 'put', resource: { kind: 'Mesh', mesh: 'a', name: 'a', spec: {}, labels: { 'kuma.io/zone': 'zone-1' } } }]);
  });

  it('rejects everything of a kind it does not know', () => {
    const plan = planApply({ kind: 'NoSuchKind', complete: true, received: [received('a')], removed: [], stored: [], inScope: () => true });
    expect(plan.rejected).toEqual([{ name: 'a.', message: 'unknown kind NoSuchKind' }]);
  });
});
