import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFakeKubeApi, type FakeKubeApi, type Obj } from '../../../test/support/fake-kube-api/index.js';
import { kubeRequest } from '../watch/kube-request.js';
import { EventRecorder, type InvolvedObject } from './kube-events.js';

const logger = pino({ level: 'silent' });
const POD: InvolvedObject = { apiVersion: 'v1', kind: 'Pod', name: 'edge-1', namespace: 'default', uid: 'u1' };

let api: FakeKubeApi;
let recorder: EventRecorder;

beforeEach(async () => {
  api = await startFakeKubeApi();
  recorder = new EventRecorder({ kubeConfig: api.kubeConfig(), logger, component: 'test-component', now: () => new Date('2025-01-02T03:04:05.678Z') });
});

afterEach(async () => {
  await api.close();
});

const events = (): Obj[] => api.list('v1', 'Event', 'default');

describe('EventRecorder against the fake API server', () => {
  it('writes a core/v1 Event the way client-go does', async () => {
    await recorder.emit(POD, 'Normal', 'CreatedKumaDataplane', 'Created Kuma Dataplane: edge-1');
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({
      involvedObject: POD,
      type: 'Normal',
      reason: 'CreatedKumaDataplane',
      message: 'Created Kuma Dataplane: edge-1',
      source: { component: 'test-component' },
      reportingComponent: 'test-component',
      firstTimestamp: '2025-01-02T03:04:05Z',
      lastTimestamp: '2025-01-02T03:04:05Z',
      count: 1,
    });
    expect((events()[0]?.['metadata'] as Obj)['name']).toMatch(/^edge-1\.[0-9a-f]+$/);
  });

  it('counts repeats on one Event, keeps different messages apart, and starts over when the Event is gone', async () => {
    await recorder.emit(POD, 'Warning', 'R', 'one');
    await recorder.emit(POD, 'Warning', 'R', 'one');
    await recorder.emit(POD, 'Warning', 'R', 'two');
    expect(events().map((e) => `${String(e['message'])} x${String(e['count'])}`).sort()).toEqual(['one x2', 'two x1']);

    const first = events().find((e) => e['message'] === 'one');
    await kubeRequest(api.kubeConfig(), { method: 'DELETE', path: `/api/v1/namespaces/default/events/${String((first?.['metadata'] as Obj)['name'])}` });
    await recorder.emit(POD, 'Warning', 'R', 'one');
    expect(events().map((e) => `${String(e['message'])} x${String(e['count'])}`).sort()).toEqual(['one x1', 'two x1']);
  });

  it('never throws when the API server fails the write', async () => {
    api.failNext({ method: 'POST', path: '/api/v1/namespaces/default/events', status: 500 });
    await expect(recorder.emit(POD, 'Normal', 'R', 'lost')).resolves.toBeUndefined();
    expect(events()).toEqual([]);
  });
});
