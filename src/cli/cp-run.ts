import { Command } from 'commander';

/** `portico cp run`: starts the control plane (implemented with the runtime). */
export function cpRunCommand(): Command {
  return new Command('cp').description('control plane commands');
}
