import type { Command } from 'commander';
import { doctorCommand } from './doctor.js';
import { enrollCommand } from './enroll.js';
import { pollCommand } from './poll.js';
import { releaseKeyCommand } from './release-key.js';
import { runCommand } from './run.js';
import { statusCommand } from './status.js';

/** Every `outpost-agent` subcommand: one file each, one line here. */
export const COMMANDS: (() => Command)[] = [
  enrollCommand,
  runCommand,
  statusCommand,
  doctorCommand,
  pollCommand,
  releaseKeyCommand,
];
