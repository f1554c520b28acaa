import { Command } from 'commander';
import { AGENT_VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';

/** Builds the `outpost-agent` program with every command registered in ./commands. */
export function buildProgram(): Command {
  const program = new Command('outpost-agent')
    .description('Outpost agent: polls SNMP devices and RTSP cameras and forwards every result to the hub')
    .version(AGENT_VERSION)
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  for (const make of COMMANDS) program.addCommand(make());
  return program;
}

/** Entry point of the `outpost-agent` binary. */
export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
