import { Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, requestedCommand } from './command-table.js';
import { processIo } from './io.js';

describe('the command table', () => {
  it('lists every command as the command it loads describes itself', async () => {
    const help = new Help();
    for (const entry of COMMANDS) {
      const command = await entry.load(processIo(), () => undefined);
      expect({ name: command.name(), term: help.subcommandTerm(command), description: command.description() }).toEqual({ name: entry.name, term: entry.term, description: entry.description });
    }
  });

  it('finds the command a command line names, past root options and their values, and after help', () => {
    expect(requestedCommand(['get', 'meshes'])?.name).toBe('get');
    expect(requestedCommand(['--api', 'http://127.0.0.1:1', '--api-token', 't', 'apply', '-f', 'x'])?.name).toBe('apply');
    expect(requestedCommand(['--api=http://x', 'cp', 'run'])?.name).toBe('cp');
    expect(requestedCommand(['help', 'delete'])?.name).toBe('delete');
    expect(requestedCommand(['--help'])).toBeUndefined();
    expect(requestedCommand(['nonsense'])).toBeUndefined();
  });
});
