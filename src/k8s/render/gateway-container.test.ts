import { describe, expect, it } from 'vitest';
import type { MeshGatewaySpec } from '../../api/mesh-gateway.js';
import { concurrencyArgs, quantityValue } from './gateway-container.js';
import { instanceTags, listenerPorts } from './gateway-instance-input.js';

describe('concurrencyArgs', () => {
  it('uses the instance annotation first', () => {
    expect(concurrencyArgs({ 'kuma.io/sidecar-concurrency': '4' }, '8')).toEqual(['--concurrency=4']);
    expect(concurrencyArgs({ 'kuma.io/sidecar-concurrency': '0' }, undefined)).toEqual(['--concurrency=0']);
  });

  it('derives max(CPU limit rounded up, 2) from a configured non-zero limit', () => {
    expect(concurrencyArgs({}, '500m')).toEqual(['--concurrency=2']);
    expect(concurrencyArgs({}, '2500m')).toEqual(['--concurrency=3']);
    expect(concurrencyArgs({}, '4')).toEqual(['--concurrency=4']);
    expect(concurrencyArgs({}, '0')).toEqual([]);
    expect(concurrencyArgs({}, undefined)).toEqual([]);
  });

  it('ignores an annotation that is not an unsigned 32-bit integer', () => {
    expect(concurrencyArgs({ 'kuma.io/sidecar-concurrency': 'four' }, undefined)).toEqual([]);
    expect(concurrencyArgs({ 'kuma.io/sidecar-concurrency': '-1' }, '3')).toEqual(['--concurrency=3']);
    expect(concurrencyArgs({ 'kuma.io/sidecar-concurrency': '4294967296' }, undefined)).toEqual([]);
  });
});

describe('quantityValue', () => {
  it('reads the Kubernetes quantity forms', () => {
    expect(quantityValue('1500m')).toBe(1.5);
    expect(quantityValue('2')).toBe(2);
    expect(quantityValue('0.5')).toBe(0.5);
    expect(quantityValue('1k')).toBe(1000);
    expect(quantityValue('1Ki')).toBe(1024);
    expect(quantityValue('2e3')).toBe(2000);
    expect(quantityValue('abc')).toBeUndefined();
    expect(quantityValue('1X')).toBeUndefined();
  });
});

describe('instance tags and listener ports', () => {
  it('adds the generated service tag', () => {
    expect(instanceTags('edge', 'ingress', { team: 'a' })).toEqual({ team: 'a', 'kuma.io/service': 'edge_ingress_svc' });
  });

  it('lists distinct ports in listener order', () => {
    const listener = (port: number) => ({ port, protocol: 'HTTP' as const, hostname: '', tags: {}, crossMesh: false });
    const spec: MeshGatewaySpec = { selectors: [], tags: {}, conf: { listeners: [443, 80, 443, 8080, 80].map(listener) } };
    expect(listenerPorts(spec)).toEqual([443, 80, 8080]);
    expect(listenerPorts({ selectors: [], tags: {} })).toEqual([]);
  });
});
