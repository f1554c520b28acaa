import { StartError } from './all-in-one.js';

/** Stops everything once on SIGINT/SIGTERM (a second signal exits at once), then exits. */
export function stopOnSignal(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    stop(signal)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        process.stderr.write(`stopping failed: ${(err as Error).message}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Prints a start failure as one clear message (no stack for expected refusals) and exits 1. */
export function exitOnStartError(err: unknown, what: string): never {
  if (err instanceof StartError || (err as { code?: string }).code === 'port_in_use') {
    process.stderr.write(`${what}: ${(err as Error).message}\n`);
  } else {
    process.stderr.write(`${what} failed: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
}
