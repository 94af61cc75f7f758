// What a command needs from the outside world, injected so tests can run commands in-process.
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Exits the process (only the CLI entry point ever does). */
  exit(code: number): never;
  /** Registers a handler for SIGTERM and SIGINT; returns a function that removes it. */
  onSignal(handler: (signal: NodeJS.Signals) => void): () => void;
}

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    exit: (code) => process.exit(code),
    onSignal(handler) {
      process.on('SIGTERM', handler);
      process.on('SIGINT', handler);
      return () => {
        process.off('SIGTERM', handler);
        process.off('SIGINT', handler);
      };
    },
  };
}
