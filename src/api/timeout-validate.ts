// Semantic checks of a decoded Timeout with Kuma's fields and messages: destinations by service
// only, `conf` required, a written section sets at least one timeout, and a written idle, request
// or stream timeout is positive.
import { fieldPath } from './field-path.js';
import { HAS_TO_BE_DEFINED, validateConnectionPolicy, validatePolicyDuration } from './connection-policy.js';
import type { TimeoutConf, TimeoutSpec } from './timeout.js';
import type { Violation } from './violation.js';

/** Kuma's message for a section with no timeout in it. */
const EMPTY_SECTION = 'at least one timeout in section has to be defined';

/** Every violation of a decoded Timeout spec, in document order. */
export function validateTimeout(spec: TimeoutSpec): Violation[] {
  return validateConnectionPolicy(spec, 'service-only', validateConf);
}

function validateConf(conf: TimeoutConf | undefined, path: string): Violation[] {
  if (conf === undefined) return [{ field: path, message: HAS_TO_BE_DEFINED }];
  return [
    ...validatePolicyDuration(conf.connectTimeout, fieldPath(path, 'connectTimeout')),
    ...section(conf.tcp, fieldPath(path, 'tcp'), { idleTimeout: 'required' }),
    ...section(conf.http, fieldPath(path, 'http'), { requestTimeout: 'when-defined', idleTimeout: 'when-defined', streamIdleTimeout: 'when-defined', maxStreamDuration: undefined }),
    ...section(conf.grpc, fieldPath(path, 'grpc'), { streamIdleTimeout: 'when-defined', maxStreamDuration: 'when-defined' }),
  ];
}

/**
 * One optional section: when written, at least one of its timeouts, each checked with its rule.
 * `maxStreamDuration` under `http` may be 0 (Kuma's default policy writes `0s` there).
 */
function section(
  values: Readonly<Record<string, string | undefined>> | undefined,
  path: string,
  rules: Readonly<Record<string, 'required' | 'when-defined' | undefined>>,
): Violation[] {
  if (values === undefined) return [];
  const names = Object.keys(rules);
  if (names.every((n) => values[n] === undefined)) return [{ field: path, message: EMPTY_SECTION }];
  return names.flatMap((n) => (values[n] === undefined && rules[n] !== 'required' ? [] : validatePolicyDuration(values[n], fieldPath(path, n), rules[n])));
}
