#!/usr/bin/env node
// The `portico` command. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`portico: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
