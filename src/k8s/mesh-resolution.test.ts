import { describe, expect, it } from 'vitest';

import { resolveMeshWithSource, type MeshMetadataSource } from './mesh-resolution.js';

const obj = (labels?: Record<string, string>, annotations?: Record<string, string>): MeshMetadataSource => ({ metadata: { labels, annotations } });

describe('resolveMeshWithSource (docs/gateway.md §1.4)', () => {
  it.each([
    ['object label wins over everything', obj({ 'kuma.io/mesh': 'a' }, { 'kuma.io/mesh': 'b' }), obj({ 'kuma.io/mesh': 'c' }, { 'kuma.io/mesh': 'd' }), 'a', 'object-label'],
    ['object annotation (deprecated) before the namespace', obj({}, { 'kuma.io/mesh': 'b' }), obj({ 'kuma.io/mesh': 'c' }), 'b', 'object-annotation'],
    ['namespace label', obj(), obj({ 'kuma.io/mesh': 'c' }, { 'kuma.io/mesh': 'd' }), 'c', 'namespace-label'],
    ['namespace annotation', obj(), obj({}, { 'kuma.io/mesh': 'd' }), 'd', 'namespace-annotation'],
    ['default when nothing names a mesh', obj(), obj(), 'default', 'default'],
    ['default without a namespace', {}, undefined, 'default', 'default'],
    ['empty values are skipped', obj({ 'kuma.io/mesh': '' }, { 'kuma.io/mesh': '' }), obj({ 'kuma.io/mesh': '' }, { 'kuma.io/mesh': 'd' }), 'd', 'namespace-annotation'],
  ] as const)('%s', (_name, object, namespace, mesh, source) => {
    expect(resolveMeshWithSource(object, namespace)).toEqual({ mesh, source });
  });
});
