import { Command } from 'commander';

/** `portico dp run`: registers a dataplane, fetches its bootstrap and runs Envoy. */
export function dpRunCommand(): Command {
  return new Command('dp').description('dataplane commands');
}
