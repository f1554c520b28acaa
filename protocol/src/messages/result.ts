import * as z from 'zod';
import { LIMITS } from '../limits.js';
import { CommandId } from './command.js';
import { Text, Timestamp, Version } from './common.js';

export const RESULT_STATES = [
  'accepted',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
] as const;
export const FINAL_RESULT_STATES = ['succeeded', 'failed', 'timed_out', 'cancelled'] as const;

export const LogLineSchema = z.object({
  ts: Timestamp,
  level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  line: Text(4096),
});
export type LogLine = z.infer<typeof LogLineSchema>;

/** `up/result`: progress, log lines and the outcome of a command, reported as it runs. */
export const ResultSchema = z.object({
  v: Version,
  /** The command's id. */
  id: CommandId,
  ts: Timestamp,
  state: z.enum(RESULT_STATES),
  /** Percent done, when known. */
  progress: z.number().min(0).max(100).optional(),
  /** New log lines since the previous result message for this command. */
  logs: z.array(LogLineSchema).max(LIMITS.resultLogLines).default([]),
  /** Outcome data of a finished command (JSON). */
  result: z.unknown().optional(),
  /** Why the command failed. */
  error: Text(4096).optional(),
});
export type ResultMessage = z.infer<typeof ResultSchema>;
