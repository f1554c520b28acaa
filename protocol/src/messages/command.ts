import * as z from 'zod';
import { DiscoverArgsSchema } from '../discovery/args.js';
import { ReleaseVersion, SignedReleaseSchema } from '../release.js';
import { EntityId, Timestamp, Version } from './common.js';

/** Command and job ids: short opaque strings safe in logs and URLs. */
export const CommandId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'command id may hold only letters, digits, "-" and "_"');

/** Arguments of each command type this version knows. */
export const COMMAND_ARGS = {
  'poll-now': z.object({ device_id: EntityId }),
  'camera-test': z.object({ camera_id: EntityId }),
  snapshot: z.object({ camera_id: EntityId }),
  walk: z.object({
    device_id: EntityId,
    oid: z.string().regex(/^\.?\d+(\.\d+)*$/, 'must be a numeric OID such as 1.3.6.1.2.1.2'),
    max_rows: z.int().min(1).max(100_000).default(10_000),
  }),
  discover: DiscoverArgsSchema,
  'live-start': z.object({
    camera_id: EntityId,
    session_id: CommandId,
    format: z.enum(['fmp4', 'mjpeg']).default('fmp4'),
    /**
     * Where the agent pushes the stream, with a one-time token: a ws:// or wss:// URL, or a path that the agent
     * takes on the hub it enrolled with. Agents refuse any URL that is not on that hub.
     */
    push_url: z
      .string()
      .max(2048)
      .regex(/^(wss?:\/\/|\/(?!\/))/, 'must be a ws:// or wss:// URL or an absolute path'),
  }),
  'live-stop': z.object({ camera_id: EntityId, session_id: CommandId }),
  /** Stop a running command. */
  cancel: z.object({ command_id: CommandId }),
  /**
   * Install a signed agent release and restart into it (agent/README.md, "Fleet upgrades"). The agent
   * downloads `path` from its own hub URL (never another host), checks the signature against its pinned
   * release key and the file against the statement, and goes back to the running version by itself when the
   * new one has not reached the hub within `confirm_s`.
   */
  upgrade: z.object({
    version: ReleaseVersion,
    /** Where the bundle is, relative to the agent's hub URL. */
    path: z
      .string()
      .max(512)
      .regex(/^\/api\/v1\/[A-Za-z0-9._~/-]+$/, 'must be a path under /api/v1/ of the hub')
      .refine((p) => !p.split('/').includes('..'), 'must not hold ".." segments'),
    release: SignedReleaseSchema,
    confirm_s: z.int().min(5).max(86_400).default(300),
  }),
} as const;

export type CommandType = keyof typeof COMMAND_ARGS;
export const COMMAND_TYPES = Object.keys(COMMAND_ARGS) as CommandType[];

/**
 * `down/cmd`: a job for the agent. `type` stays a string so that an agent meets a newer type with a
 * clear "unsupported" result (it still has the id to answer with) instead of a decode error.
 */
export const CommandSchema = z.object({
  v: Version,
  id: CommandId,
  type: z.string().min(1).max(64),
  args: z.record(z.string(), z.unknown()).default({}),
  issued_at: Timestamp,
  /** Seconds the agent may spend before it reports `timed_out`. */
  timeout_s: z.int().min(1).max(86_400).default(60),
});
export type CommandMessage = z.infer<typeof CommandSchema>;

export type CommandArgs<T extends CommandType> = z.infer<(typeof COMMAND_ARGS)[T]>;

export type ParsedArgs =
  | { ok: true; type: CommandType; args: CommandArgs<CommandType> }
  | { ok: false; reason: string };

/** Validates a command's args for its type. Unknown types yield `ok: false` with a reason. */
export function parseCommandArgs(command: Pick<CommandMessage, 'type' | 'args'>): ParsedArgs {
  if (!Object.hasOwn(COMMAND_ARGS, command.type)) {
    return { ok: false, reason: `unsupported command type "${command.type}"` };
  }
  const type = command.type as CommandType;
  const parsed = COMMAND_ARGS[type].safeParse(command.args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `args.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, type, args: parsed.data };
}
