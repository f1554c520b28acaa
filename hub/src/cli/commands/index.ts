import type { Command } from 'commander';
import { backupCommand } from './backup.js';
import { dbCommand } from './db.js';
import { healthCommand } from './health.js';
import { releaseCommand } from './release.js';
import { serveCommand } from './serve.js';
import { tokenCommand } from './token.js';
import { userCommand } from './user.js';

/** Every `outpost-hub` subcommand: one file each, one line here. */
export const COMMANDS: (() => Command)[] = [
  serveCommand,
  tokenCommand,
  userCommand,
  backupCommand,
  dbCommand,
  healthCommand,
  releaseCommand,
];
