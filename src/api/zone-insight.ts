// ZoneInsight: what the global records about a zone's streams (docs/multizone.md §6), same name as the
// Zone. Only the control plane writes it (insight kinds are read-only to users, docs/multizone.md §5.1); nothing
// writes it yet, since sync does not exist. Field names are Kuma's JSON names
// (api/system/v1alpha1/zone_insight.proto); times are RFC 3339 strings.

import { bool, field, freeform, integer, listOf, mapOf, object, text, type ObjectSchema } from './schema.js';
import type { Violation } from './violation.js';

/** Counters of one resource type on one stream. */
export interface KdsTypeStats {
  readonly responsesSent?: number;
  readonly responsesAcknowledged?: number;
  readonly responsesRejected?: number;
}

/** One global-to-zone stream. */
export interface KdsSubscription {
  readonly id?: string;
  readonly globalInstanceId?: string;
  readonly zoneInstanceId?: string;
  readonly connectTime?: string;
  readonly disconnectTime?: string;
  readonly status?: {
    readonly lastUpdateTime?: string;
    readonly total?: KdsTypeStats;
    readonly stat?: Readonly<Record<string, KdsTypeStats>>;
  };
  readonly version?: Readonly<Record<string, unknown>>;
  readonly generation?: number;
  readonly config?: string;
  readonly authTokenProvided?: boolean;
}

/** The newest stream of one kind. */
export interface KdsStream {
  readonly globalInstanceId?: string;
  readonly connectTime?: string;
}

/** Spec of a ZoneInsight resource. */
export interface ZoneInsightSpec {
  readonly subscriptions?: readonly KdsSubscription[];
  readonly healthCheck?: { readonly time?: string };
  readonly kdsStreams?: {
    readonly globalToZone?: KdsStream;
    readonly zoneToGlobal?: KdsStream;
    readonly configDump?: KdsStream;
    readonly stats?: KdsStream;
    readonly clusters?: KdsStream;
  };
}

const counter = () => integer('uint64');

const TYPE_STATS = object('Responses of one resource type on a stream.', {
  responsesSent: field(counter(), 'Responses sent.'),
  responsesAcknowledged: field(counter(), 'Responses the receiver acknowledged.'),
  responsesRejected: field(counter(), 'Responses the receiver rejected.'),
});

const SUBSCRIPTION = object('One global-to-zone stream.', {
  id: field(text(), 'Stream id.'),
  globalInstanceId: field(text(), 'Instance of the global control plane holding the stream.'),
  zoneInstanceId: field(text(), 'Instance of the zone control plane.'),
  connectTime: field(text(), 'When the stream opened (RFC 3339).'),
  disconnectTime: field(text(), 'When the global saw the stream close (RFC 3339).'),
  status: field(
    object('Sync counters of the stream.', {
      lastUpdateTime: field(text(), 'Last response sent (RFC 3339).'),
      total: field(TYPE_STATS, 'Counters over every type.'),
      stat: field(mapOf(TYPE_STATS), 'Counters per resource type.'),
    }),
    'Sync counters.',
  ),
  version: field(freeform(), "The zone control plane's version (kumaCp)."),
  generation: field(integer('uint32'), 'Generation of the subscription.'),
  config: field(text(), "The zone's configuration, as JSON."),
  authTokenProvided: field(bool(), 'Whether the zone presented a token.'),
});

const STREAM = object('The newest stream of one kind.', {
  globalInstanceId: field(text(), 'Instance of the global control plane holding the stream.'),
  connectTime: field(text(), 'When the stream opened (RFC 3339).'),
});

/** Spec schema of a ZoneInsight. */
export const ZONE_INSIGHT_SPEC_SCHEMA: ObjectSchema = object("The global's record of a zone's streams.", {
  subscriptions: field(listOf(SUBSCRIPTION), 'Global-to-zone streams, oldest first.'),
  healthCheck: field(object('Last health check.', { time: field(text(), 'When the zone last called HealthCheck (RFC 3339).') }), 'Last health check.'),
  kdsStreams: field(
    object('The newest stream of each kind.', {
      globalToZone: field(STREAM, 'Global-to-zone stream.'),
      zoneToGlobal: field(STREAM, 'Zone-to-global stream.'),
      configDump: field(STREAM, 'Config-dump stream.'),
      stats: field(STREAM, 'Stats stream.'),
      clusters: field(STREAM, 'Clusters stream.'),
    }),
    'Newest streams.',
  ),
});

/** Nothing to check beyond the schema: the control plane writes it. */
export function validateZoneInsight(_spec: ZoneInsightSpec): Violation[] {
  return [];
}

/**
 * A zone is online when some subscription has connected and not disconnected (Kuma's
 * ZoneInsight.IsOnline). No insight, or no subscription, is offline.
 */
export function zoneOnline(insight: ZoneInsightSpec | undefined): boolean {
  return (insight?.subscriptions ?? []).some((s) => hasTime(s.connectTime) && !hasTime(s.disconnectTime));
}

function hasTime(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

/** Kuma's refusal to delete a Zone whose control plane is connected (docs/multizone.md §6). */
export const ZONE_ONLINE_DELETE_MESSAGE = 'unable to delete Zone, Zone CP is still connected, please shut it down first';

/** Violations of deleting the Zone this insight belongs to: none once the zone is offline. */
export function zoneDeleteViolations(insight: ZoneInsightSpec | undefined): Violation[] {
  return zoneOnline(insight) ? [{ field: 'zone', message: ZONE_ONLINE_DELETE_MESSAGE }] : [];
}
