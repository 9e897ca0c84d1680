import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import type { Condition } from '../../api/mesh-gateway-instance.js';
import { desiredInstanceStatus, readyState, type InstanceStatusInput } from './instance-status.js';
import type { Deployment, Service } from './kube-objects.js';

const lb = (ingress: Service['status']): Service => ({ spec: { type: 'LoadBalancer', clusterIP: '10.96.0.1' }, status: ingress });
const withIngress = lb({ loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } });
const noIngress = lb({ loadBalancer: {} });
const clusterIp = (type: string, ips: string[]): Service => ({ spec: { type, clusterIPs: ips } });
const available = (status?: string): Deployment => ({
  status: { conditions: status === undefined ? [] : [{ type: 'Progressing', status: 'True' }, { type: 'Available', status }] },
});

describe('readyState (docs/gateway.md §3.2 step 5)', () => {
  const cases: [string, Partial<InstanceStatusInput>, string, string][] = [
    ['no gateway', { gatewayMatched: false, service: withIngress, deployment: available('True') }, 'False', 'NoGatewayMatched'],
    ['deployment Available False', { service: withIngress, deployment: available('False') }, 'False', 'DeploymentNotAvailable'],
    ['deployment Available Unknown', { service: withIngress, deployment: available('Unknown') }, 'Unknown', 'DeploymentNotAvailable'],
    ['LoadBalancer with ingress', { service: withIngress, deployment: available('True') }, 'True', 'Ready'],
    ['no Available condition counts as available', { service: withIngress, deployment: available() }, 'True', 'Ready'],
    ['LoadBalancer without ingress', { service: noIngress, deployment: available('True') }, 'False', 'LoadBalancerAddressNotReady'],
    ['ClusterIP with an IP', { service: clusterIp('ClusterIP', ['10.96.0.9']), deployment: available('True') }, 'True', 'Ready'],
    ['NodePort with an IP', { service: clusterIp('NodePort', ['', '10.96.0.9']), deployment: available('True') }, 'True', 'Ready'],
    ['ClusterIP None', { service: clusterIp('ClusterIP', ['None']), deployment: available('True') }, 'False', 'LoadBalancerAddressNotReady'],
    ['ClusterIP empty', { service: clusterIp('ClusterIP', ['']), deployment: available('True') }, 'False', 'LoadBalancerAddressNotReady'],
    ['clusterIP field only', { service: { spec: { type: 'ClusterIP', clusterIP: '10.0.0.1' } } }, 'True', 'Ready'],
  ];
  for (const [name, input, status, reason] of cases) {
    it(name, () => {
      const state = readyState({ mesh: 'default', gatewayMatched: true, ...input });
      expect([state.status, state.reason]).toEqual([status, reason]);
    });
  }

  it('names the mesh when no gateway matched', () => {
    expect(readyState({ mesh: 'payments', gatewayMatched: false }).message).toBe("No Gateway matched by tags in mesh: 'payments'");
    expect(readyState({ mesh: 'payments', gatewayMatched: true, service: withIngress }).message).toBe('');
  });
});

describe('desiredInstanceStatus', () => {
  const T0 = '2024-01-01T00:00:00Z';
  const T1 = '2024-01-01T00:05:00Z';
  const ready = (status: Condition['status'], reason: string, time: string, generation = 1): Condition => ({
    type: 'Ready', status, reason, message: '', observedGeneration: generation, lastTransitionTime: time,
  });

  it('copies the load balancer status and sets Ready with observedGeneration', () => {
    const status = desiredInstanceStatus(
      deepFreeze({ mesh: 'default', generation: 3, gatewayMatched: true, service: withIngress, deployment: available('True'), now: T0 }),
    );
    expect(status).toEqual({ loadBalancer: { ingress: [{ ip: '203.0.113.7' }] }, conditions: [ready('True', 'Ready', T0, 3)] });
  });

  it('writes an empty loadBalancer when the Service has none', () => {
    const status = desiredInstanceStatus({ mesh: 'm', generation: 1, gatewayMatched: true, service: noIngress, now: T0 });
    expect(status.loadBalancer).toEqual({});
  });

  it('leaves loadBalancer untouched when no gateway matched', () => {
    const existing = deepFreeze({ loadBalancer: { ingress: [{ ip: '198.51.100.1' }] }, conditions: [ready('True', 'Ready', T0)] });
    const status = desiredInstanceStatus({ mesh: 'm', generation: 2, gatewayMatched: false, existing, now: T1 });
    expect(status).toEqual({
      loadBalancer: { ingress: [{ ip: '198.51.100.1' }] },
      conditions: [
        { type: 'Ready', status: 'False', reason: 'NoGatewayMatched', message: "No Gateway matched by tags in mesh: 'm'", observedGeneration: 2, lastTransitionTime: T1 },
      ],
    });
    expect(desiredInstanceStatus({ mesh: 'm', generation: 2, gatewayMatched: false, now: T1 })).not.toHaveProperty('loadBalancer');
  });

  it('keeps lastTransitionTime while the status stays the same, even when the reason changes', () => {
    const existing = deepFreeze({ conditions: [ready('False', 'DeploymentNotAvailable', T0)] });
    const status = desiredInstanceStatus({ mesh: 'm', generation: 2, gatewayMatched: true, service: noIngress, existing, now: T1 });
    expect(status.conditions).toEqual([ready('False', 'LoadBalancerAddressNotReady', T0, 2)]);
    const flipped = desiredInstanceStatus({ mesh: 'm', generation: 2, gatewayMatched: true, service: withIngress, existing, now: T1 });
    expect(flipped.conditions).toEqual([ready('True', 'Ready', T1, 2)]);
  });

  it('keeps conditions of other types in place', () => {
    const other: Condition = { type: 'Custom', status: 'True', reason: 'X', message: 'x', lastTransitionTime: T0 };
    const existing = deepFreeze({ conditions: [other, ready('True', 'Ready', T0)] });
    const status = desiredInstanceStatus({ mesh: 'm', generation: 1, gatewayMatched: true, service: withIngress, existing, now: T1 });
    expect(status.conditions).toEqual([other, ready('True', 'Ready', T0)]);
  });
});
