// Fault injection and the request log. Rules are matched in the order they were added; each
// matching request consumes one count of the first matching rule. A hung request is held open
// without a response until released, like an API server that stopped answering.
import type http from 'node:http';
import { serverError } from './status-errors.js';

/** The Kubernetes verb of a request ('discovery' for /api, /apis and /version; 'other' for the rest). */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'discovery' | 'other';

/** One request as the fake saw it; `status` is filled in when the response finishes. */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly verb: Verb;
  status?: number;
}

/** Selects requests: every given field must match; a string path matches as a prefix. */
export interface RequestFilter {
  readonly verb?: Verb;
  readonly method?: string;
  readonly path?: string | RegExp;
}

/** A fault for the next `count` (default 1, `Infinity` until cleared) matching requests: a 5xx status, an RBAC 403, or a hang. */
export interface FaultRule extends RequestFilter {
  readonly status?: number;
  readonly hang?: boolean;
  readonly count?: number;
}

function matches(filter: RequestFilter, record: RequestRecord): boolean {
  if (filter.verb !== undefined && filter.verb !== record.verb) return false;
  if (filter.method !== undefined && filter.method.toUpperCase() !== record.method) return false;
  if (typeof filter.path === 'string' && !record.path.startsWith(filter.path)) return false;
  if (filter.path instanceof RegExp && !filter.path.test(record.path)) return false;
  return true;
}

/** Fault rules, held requests and the request log of one server. */
export class Faults {
  private readonly rules: Array<{ rule: FaultRule; remaining: number }> = [];
  private readonly hung = new Map<http.ServerResponse, () => void>();
  /** Every request received, in order. */
  readonly log: RequestRecord[] = [];

  /** Adds a rule; see FaultRule. */
  failNext(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.count ?? 1 });
  }

  /** Removes all rules (held requests stay held; see releaseHung). */
  clear(): void {
    this.rules.length = 0;
  }

  /** Consumes and returns the fault for this request, if a rule matches. */
  take(record: RequestRecord): FaultRule | undefined {
    const entry = this.rules.find((e) => e.remaining > 0 && matches(e.rule, record));
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.rules.splice(this.rules.indexOf(entry), 1);
    return entry.rule;
  }

  /** Holds a response open until releaseHung or close; `proceed` serves it normally. */
  hold(res: http.ServerResponse, proceed: () => void): void {
    this.hung.set(res, proceed);
    res.on('close', () => this.hung.delete(res));
  }

  /** Number of requests currently held. */
  heldCount(): number {
    return this.hung.size;
  }

  /** Ends held requests: 504 like the real request timeout, a connection reset, or 'proceed' (serve now). */
  releaseHung(mode: 'timeout' | 'reset' | 'proceed' = 'timeout'): number {
    const held = [...this.hung];
    this.hung.clear();
    for (const [res, proceed] of held) {
      if (mode === 'proceed') {
        proceed();
      } else if (mode === 'reset') {
        res.socket?.destroy();
      } else {
        const body = JSON.stringify(serverError(504).toStatus());
        res.writeHead(504, { 'Content-Type': 'application/json' }).end(body);
      }
    }
    return held.length;
  }

  /** Number of logged requests matching the filter. */
  count(filter: RequestFilter = {}): number {
    return this.log.filter((r) => matches(filter, r)).length;
  }
}
