import type { Command } from 'commander';
import { serveCommand } from './serve.js';
import { tokenCommand } from './token.js';

/** Every `outpost-hub` subcommand: one file each, one line here. */
export const COMMANDS: (() => Command)[] = [serveCommand, tokenCommand];
