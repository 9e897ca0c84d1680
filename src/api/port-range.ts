// The one port rule every kind shares, with Kuma's message.

/** Message for a port outside [1, 65535]. */
export const PORT_RANGE_MESSAGE = 'port must be in the range [1, 65535]';

/** True for a valid TCP port. */
export function isValidPort(port: number): boolean {
  return port >= 1 && port <= 65_535;
}
