// TrafficLog: a classic connection policy (docs/gateway.md §1.6). `traffic-logs` over REST and in
// kumactl, `trafficlogs` as a CRD.
import { TRAFFIC_LOG_SPEC_SCHEMA } from '../traffic-log.js';
import { validateTrafficLog } from '../traffic-log-validate.js';
import { defineConnectionPolicyKind } from './connection-policy-kind.js';
import { KIND_NAMES } from './names.js';

/** The TrafficLog kind. */
export const TRAFFIC_LOG = defineConnectionPolicyKind({
  names: KIND_NAMES.TrafficLog,
  crdPlural: 'trafficlogs',
  schema: TRAFFIC_LOG_SPEC_SCHEMA,
  validate: validateTrafficLog,
});
