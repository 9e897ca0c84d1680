// Kubernetes Events (core/v1) about the objects Portico reconciles, as client-go's event recorder
// writes them: named `<object>.<hex time>`, with involvedObject, source component, first/last
// timestamps and a count. A repeat of the same event (same object, type, reason and message) bumps
// the count of the event already written instead of creating another, so a pod that keeps failing
// leaves one Warning with a growing count rather than a flood.
//
// Events are best effort, as in Kubernetes: a failure to write one is logged and never fails the
// reconcile that emitted it.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';

import { KubeApiError, kubeRequest } from '../watch/kube-request.js';

/** Type of an Event. */
export type EventType = 'Normal' | 'Warning';

/** The object an Event is about. */
export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/** Options of an EventRecorder. */
export interface EventRecorderOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** `source.component` and `reportingComponent` of every Event. */
  readonly component: string;
  readonly now?: () => Date;
  /** Distinct events remembered for count aggregation (oldest forgotten first). */
  readonly maxTracked?: number;
}

/** A core/v1 Event as written. */
interface EventObject {
  readonly apiVersion: 'v1';
  readonly kind: 'Event';
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  readonly involvedObject: InvolvedObject;
  readonly reason: string;
  readonly message: string;
  readonly type: EventType;
  readonly source: { readonly component: string };
  readonly reportingComponent: string;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly count: number;
}

/** The involvedObject of `object`, which must carry apiVersion, kind, name and namespace. */
export function involvedObjectOf(object: KubernetesObject): InvolvedObject {
  return {
    apiVersion: object.apiVersion ?? 'v1',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    ...(object.metadata?.uid ? { uid: object.metadata.uid } : {}),
    ...(object.metadata?.resourceVersion ? { resourceVersion: object.metadata.resourceVersion } : {}),
  };
}

/** `metav1.Time`: RFC 3339 with second precision. */
function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Writes Events, aggregating repeats into a count. */
export class EventRecorder {
  private readonly tracked = new Map<string, EventObject>();
  private readonly now: () => Date;
  private readonly maxTracked: number;
  private sequence = 0n;

  constructor(private readonly options: EventRecorderOptions) {
    this.now = options.now ?? (() => new Date());
    this.maxTracked = options.maxTracked ?? 4096;
  }

  /** Records one event about `object`; never throws. */
  async emit(object: InvolvedObject, type: EventType, reason: string, message: string): Promise<void> {
    const key = [object.namespace, object.name, object.uid ?? '', type, reason, message].join('\u0000');
    try {
      const previous = this.tracked.get(key);
      const written = (previous && (await this.bump(previous))) ?? (await this.create(object, type, reason, message));
      this.remember(key, written);
    } catch (cause) {
      this.options.logger.warn({ err: cause, object: `${object.namespace}/${object.name}`, reason }, 'cannot record Kubernetes event');
    }
  }

  private async create(object: InvolvedObject, type: EventType, reason: string, message: string): Promise<EventObject> {
    const now = this.now();
    // client-go names events `<object>.<UnixNano in hex>`; the sequence keeps two events of one millisecond apart.
    const stamp = (BigInt(now.getTime()) * 1_000_000n + (this.sequence++ % 1_000_000n)).toString(16);
    const body: EventObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${object.name}.${stamp}`, namespace: object.namespace },
      involvedObject: object,
      reason,
      message,
      type,
      source: { component: this.options.component },
      reportingComponent: this.options.component,
      firstTimestamp: kubeTime(now),
      lastTimestamp: kubeTime(now),
      count: 1,
    };
    return kubeRequest<EventObject>(this.options.kubeConfig, {
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(object.namespace)}/events`,
      body,
    });
  }

  /** Replaces the earlier event with count + 1; undefined when it is gone or changed (create anew). */
  private async bump(previous: EventObject): Promise<EventObject | undefined> {
    const body: EventObject = { ...previous, count: previous.count + 1, lastTimestamp: kubeTime(this.now()) };
    try {
      return await kubeRequest<EventObject>(this.options.kubeConfig, {
        method: 'PUT',
        path: `/api/v1/namespaces/${encodeURIComponent(previous.metadata.namespace)}/events/${encodeURIComponent(previous.metadata.name)}`,
        body,
      });
    } catch (error) {
      if (error instanceof KubeApiError && (error.status === 404 || error.status === 409)) return undefined;
      throw error;
    }
  }

  private remember(key: string, event: EventObject): void {
    this.tracked.delete(key);
    this.tracked.set(key, event);
    if (this.tracked.size > this.maxTracked) {
      const oldest = this.tracked.keys().next();
      if (!oldest.done) this.tracked.delete(oldest.value);
    }
  }
}
