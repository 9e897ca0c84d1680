// Entry point of the control plane child process of the fuzz test: the real CLI from current
// sources (compiled by compileForChild), so a crash shows up as the child's exit.
import { main } from '../../src/cli/main.js';

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`control plane child failed: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
