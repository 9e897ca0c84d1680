// Listener hostname syntax of docs/gateway.md §4.2: `*` alone, or lowercase DNS labels optionally
// preceded by `*.` (a wildcard only as the whole leftmost label).

import type { Violation } from './violation.js';

/** Longest hostname accepted, as in DNS. */
export const MAX_HOSTNAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True for a lowercase DNS name: dot-separated labels of at most 63 characters, no wildcard. */
export function isDnsName(name: string): boolean {
  if (name === '' || name.length > MAX_HOSTNAME_LENGTH) return false;
  return name.split('.').every((label) => label.length <= MAX_LABEL_LENGTH && LABEL.test(label));
}

/** Checks a listener hostname; empty and `*` both mean any name and are valid. */
export function validateListenerHostname(hostname: string, path: string): Violation[] {
  if (hostname === '' || hostname === '*') return [];
  if (hostname.length > MAX_HOSTNAME_LENGTH) return [{ field: path, message: `must be at most ${MAX_HOSTNAME_LENGTH} characters` }];
  if (hostname.startsWith('*.')) {
    return isDnsName(hostname.slice(2)) ? [] : [{ field: path, message: 'invalid wildcard domain' }];
  }
  return isDnsName(hostname) ? [] : [{ field: path, message: 'invalid hostname' }];
}
