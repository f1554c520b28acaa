import type { Command } from 'commander';
import { serveCommand } from './serve.js';

/** Every `outpost-hub` subcommand: one file each, one line here. */
export const COMMANDS: (() => Command)[] = [serveCommand];
