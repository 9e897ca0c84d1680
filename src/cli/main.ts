// The `portico` command: builds the commander program and turns every outcome into an exit
// code. Commands report user errors themselves (`Error: ...` on stderr, code 1); commander's own
// usage errors are printed by commander; anything thrown is printed as one line, without a stack.
import { Command, CommanderError, Help, Option } from 'commander';
import { porticoVersion } from '../api-server/version.js';
import { COMMANDS, requestedCommand } from './command-table.js';
import { printError, processIo, type CliIo } from './io.js';

/** Where the CLI finds the API when neither --api nor PORTICO_API_URL is given (Kuma's port). */
export const DEFAULT_API_URL = 'http://127.0.0.1:5681';

/**
 * Run the CLI. `argv` is in process.argv form (node, script, args...). `io` defaults to the
 * process streams; tests pass their own to capture output. Resolves to the exit code.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let code = 0;
  const program = await buildProgram(argv.slice(2), io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'node' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    printError(io, err instanceof Error ? err.message : String(err));
    return 1;
  }
}

/**
 * The program. Only the subcommand `args` name is loaded; every other one is listed from the
 * command table (for `portico --help`) without importing it, which keeps start-up fast.
 * `done` receives the exit code of the command that ran.
 */
async function buildProgram(args: readonly string[], io: CliIo, done: (code: number) => void): Promise<Command> {
  const program = new Command('portico')
    .description('Portico: an Envoy xDS control plane for Kuma mesh gateways')
    .version(porticoVersion())
    .addOption(
      new Option('--api <url>', 'Portico API URL, https://...:5682 for the HTTPS API (else PORTICO_API_URL, the config file, the default)')
        .env('PORTICO_API_URL')
        .default(DEFAULT_API_URL),
    )
    // Read by api-connection.ts, which also looks at PORTICO_API_TOKEN and the config file.
    .addOption(new Option('--api-token <token>', 'user token for the API (else PORTICO_API_TOKEN, then the config file)'))
    .addOption(new Option('--api-ca-cert-file <file>', "CA (PEM) the HTTPS API's certificate is verified by (the control plane logs the path of its generated CA)").env('PORTICO_API_CA_CERT_FILE'));
  const requested = requestedCommand(args);
  for (const entry of COMMANDS) {
    program.addCommand(entry === requested ? await entry.load(io, done) : new Command(entry.name).description(entry.description));
  }
  // The listing shows each command as the table describes it, loaded or not.
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => COMMANDS.find((c) => c.name === cmd.name())?.term ?? standard.subcommandTerm(cmd) });
  applySettings(program, io);
  return program;
}

/**
 * Throw instead of calling process.exit, and write through `io`, on every command in the tree:
 * commander copies these settings only to subcommands created with .command(), not to ones
 * built elsewhere and added with .addCommand() (cp and dp come from the runtime's files).
 */
function applySettings(command: Command, io: CliIo): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => io.stdout(text),
    writeErr: (text) => io.stderr(text),
    outputError: (text, write) => write(text),
  });
  for (const sub of command.commands) applySettings(sub, io);
}
