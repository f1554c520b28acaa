import type { Command } from 'commander';

/** Every `outpost-hub` subcommand: one file each, one line here. */
export const COMMANDS: (() => Command)[] = [];
