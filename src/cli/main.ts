// Entry point of the `kites` command (bin/kites loads the compiled copy of this file).
import { processIO } from './io.js';
import { buildProgram } from './program.js';

const io = processIO();
buildProgram(io).parseAsync(process.argv).catch((err: unknown) => {
  io.err(`kites: ${err instanceof Error ? err.message : String(err)}\n`);
  io.exit(1);
});
