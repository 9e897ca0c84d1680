// The sending side's failure rules (docs/multizone.md §3.6, §10): rejected
// content is never resent and changed content waits out the NACK backoff; a response nobody
// answers, or one that cannot be written, ends the stream.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeltaDiscoveryResponse } from '../xds/server/ads-service.js';
import { SyncSender, type MessageSink } from './sync-sender.js';
import { buildOffer, encodedCopy } from './sync-types.js';

const mesh = (name: string, spec: Record<string, unknown> = {}) => encodedCopy('Mesh', { kind: 'Mesh', mesh: '', name, spec });
const offer = (...names: string[]) => buildOffer(['Mesh'], names.map((n) => mesh(n)));

class Sink implements MessageSink<DeltaDiscoveryResponse> {
  readonly sent: DeltaDiscoveryResponse[] = [];
  full = false;
  private drain: (() => void) | undefined;
  write(message: DeltaDiscoveryResponse): boolean {
    this.sent.push(message);
    return !this.full;
  }
  once(_event: 'drain', listener: () => void): void {
    this.drain = listener;
  }
  off(): void {
    this.drain = undefined;
  }
  drained(): void {
    this.drain?.();
  }
  names(i: number): string[] {
    return this.sent[i]!.resources.map((r) => r.name);
  }
}

function sender(sink: Sink, failures: string[]): SyncSender {
  return new SyncSender({ sink, kinds: ['Mesh'], nackBackoffMs: 5_000, sendTimeoutMs: 60_000, ackTimeoutMs: 60_000, controlPlaneId: 'test', now: () => Date.now(), onFailure: (r) => failures.push(r) });
}

describe('SyncSender', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('answers a subscription with the complete set, then sends changes and removals', async () => {
    const sink = new Sink();
    const s = sender(sink, []);
    s.setOffer(offer('a', 'b'));
    s.handleRequest({ type_url: 'Mesh', resource_names_subscribe: ['*'] });
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.names(0)).toEqual(['a.', 'b.']);
    s.handleRequest({ type_url: 'Mesh', response_nonce: sink.sent[0]!.nonce });
    s.setOffer(offer('b', 'c'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.names(1)).toEqual(['c.']);
    expect(sink.sent[1]!.removed_resources).toEqual(['a.']);
    expect(s.stats.get('Mesh')).toEqual({ responsesSent: 2, responsesAcknowledged: 1, responsesRejected: 0 });
    s.close();
  });

  it('never resends NACKed content, and sends changed content only 5 s after the NACK', async () => {
    const sink = new Sink();
    const s = sender(sink, []);
    s.setOffer(offer('a'));
    s.handleRequest({ type_url: 'Mesh', resource_names_subscribe: ['*'] });
    await vi.advanceTimersByTimeAsync(0);
    s.handleRequest({ type_url: 'Mesh', response_nonce: sink.sent[0]!.nonce });
    s.setOffer(offer('a', 'bad'));
    await vi.advanceTimersByTimeAsync(0);
    s.handleRequest({ type_url: 'Mesh', response_nonce: sink.sent[1]!.nonce, error_detail: { message: 'bad.: invalid' } });
    // The same content again (an unrelated refresh): suppressed.
    s.setOffer(offer('a', 'bad'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sink.sent).toHaveLength(2);
    // New content once the backoff has passed goes at once.
    s.setOffer(offer('a', 'bad', 'c'));
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.sent).toHaveLength(3);
    s.handleRequest({ type_url: 'Mesh', response_nonce: sink.sent[2]!.nonce, error_detail: { message: 'bad.: invalid' } });
    const nackAt = Date.now();
    s.setOffer(offer('a', 'bad', 'c', 'd'));
    await vi.advanceTimersByTimeAsync(4_900);
    expect(sink.sent).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(200);
    expect(sink.sent).toHaveLength(4);
    expect(Date.now() - nackAt).toBeGreaterThanOrEqual(5_000);
    expect(s.stats.get('Mesh')!.responsesRejected).toBe(2);
    s.close();
  });

  it('ends the stream when a response is neither ACKed nor NACKed within the ACK timeout', async () => {
    const sink = new Sink();
    const failures: string[] = [];
    const s = sender(sink, failures);
    s.setOffer(offer('a'));
    s.handleRequest({ type_url: 'Mesh', resource_names_subscribe: ['*'] });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(failures).toEqual([]);
    await vi.advanceTimersByTimeAsync(16_000);
    expect(failures).toEqual(['no ACK or NACK within 60000 ms for Mesh']);
    s.close();
  });

  it('keeps a stream whose responses are answered, however long it lives', async () => {
    const sink = new Sink();
    const failures: string[] = [];
    const s = sender(sink, failures);
    s.setOffer(offer('a'));
    s.handleRequest({ type_url: 'Mesh', resource_names_subscribe: ['*'] });
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(30_000);
      s.handleRequest({ type_url: 'Mesh', response_nonce: sink.sent.at(-1)!.nonce });
      s.setOffer(offer('a', `n${i}`));
    }
    await vi.advanceTimersByTimeAsync(30_000);
    s.handleRequest({ type_url: 'Mesh', response_nonce: sink.sent.at(-1)!.nonce });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(failures).toEqual([]);
    s.close();
  });

  it('ends the stream when a response cannot be written for the send timeout', async () => {
    const sink = new Sink();
    sink.full = true;
    const failures: string[] = [];
    const s = sender(sink, failures);
    s.setOffer(offer('a'));
    s.handleRequest({ type_url: 'Mesh', resource_names_subscribe: ['*'] });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(failures).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(failures[0]).toBe('could not send for 60000 ms');
    s.close();
  });

  it('goes on once the call drains', async () => {
    const sink = new Sink();
    sink.full = true;
    const failures: string[] = [];
    const s = sender(sink, failures);
    s.setOffer(offer('a'));
    s.handleRequest({ type_url: 'Mesh', resource_names_subscribe: ['*'] });
    await vi.advanceTimersByTimeAsync(1_000);
    sink.full = false;
    sink.drained();
    s.handleRequest({ type_url: 'Mesh', response_nonce: sink.sent[0]!.nonce });
    s.setOffer(offer('a', 'b'));
    await vi.advanceTimersByTimeAsync(70_000);
    expect(failures.filter((f) => f.startsWith('could not send'))).toEqual([]);
    expect(sink.sent).toHaveLength(2);
    s.close();
  });
});
