import type { Command } from 'commander';

/** Every `outpost-agent` subcommand: one file each, one line here. */
export const COMMANDS: (() => Command)[] = [];
