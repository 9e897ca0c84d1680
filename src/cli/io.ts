// The CLI's streams and its one way of printing errors, apart from the output formats so that
// every command (and `portico --help`) can load them without the kind descriptors.
/** Where the CLI writes and reads; tests replace it to capture output and feed stdin. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The whole of standard input (for `apply -f -`), up to the input size limit. */
  readonly readStdin: () => Promise<string>;
  readonly now: () => Date;
  /**
   * Environment the API settings are read from (PORTICO_API_TOKEN, XDG_CONFIG_HOME, HOME);
   * absent means none, so a test never picks up the developer's token or config file.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    // Loaded on use: it brings the body limits and the YAML reader with it.
    readStdin: async () => (await import('./input-file.js')).readInputStream(process.stdin),
    now: () => new Date(),
    env: process.env,
  };
}

/** Print a user-facing error the one way the CLI does: `Error: <message>` on stderr. */
export function printError(io: CliIo, message: string): void {
  io.stderr(`Error: ${message}\n`);
}

/** Print an error and return exit code 1. */
export function failWith(io: CliIo, message: string): number {
  printError(io, message);
  return 1;
}
