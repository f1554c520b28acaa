import { Command } from 'commander';
import { HUB_VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';

/** Builds the `outpost-hub` program with every command registered in ./commands. */
export function buildProgram(): Command {
  const program = new Command('outpost-hub')
    .description('Outpost hub: MQTT broker, store, alerts, HTTP API and dashboard')
    .version(HUB_VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  for (const make of COMMANDS) program.addCommand(make());
  return program;
}

/** Entry point of the `outpost-hub` binary. */
export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
