// Changing the log level of a running control plane (docs/operations.md, "Logging"): GET
// /log-level answers the current level; PUT /log-level with {"level": "debug"} sets it for every
// component at once (pino's child loggers follow their root), until the next change or restart.
// Admin only: a debug level logs request details, and only an operator should turn it on.
import type { Logger } from 'pino';
import { parseSingleDocument } from '../api-server/body.js';
import { badRequest } from '../api-server/problem.js';
import type { ExtraRoute } from '../api-server/router.js';

/** The levels that may be set, from the most to the least verbose. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const PATH = '/log-level';

/** The two routes over `root`; `log` records who changed what. */
export function logLevelRoutes(root: Logger, log: Logger): ExtraRoute[] {
  return [
    { method: 'GET', path: PATH, access: 'admin', handler: async () => ({ status: 200, body: { level: root.level } }) },
    {
      method: 'PUT',
      path: PATH,
      access: 'admin',
      handler: async (request) => {
        const body = parseSingleDocument(request.body, 'json');
        if (!body.ok) return badRequest(PATH, 'request body is not valid JSON', body.violations);
        const level = (body.value as { level?: unknown } | null)?.level;
        if (typeof level !== 'string' || !(LOG_LEVELS as readonly string[]).includes(level)) {
          return badRequest(PATH, 'invalid log level', [{ field: 'level', message: `must be one of ${LOG_LEVELS.join(', ')}` }]);
        }
        const previous = root.level;
        // Said at the old level's reach too, so that turning logging down is itself on record.
        log.warn({ from: previous, to: level }, 'log level changed');
        root.level = level;
        return { status: 200, body: { level } };
      },
    },
  ];
}
