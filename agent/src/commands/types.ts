import type {
  CameraConfig,
  CommandArgs,
  CommandType,
  ConfigMessage,
  DeviceConfig,
  LogLine,
} from '@outpost/protocol';
import type { Logger } from '../logger.js';
import type { Outcome, Poller, ProbeCallOptions, Prober, SnapshotInput } from '../runtime/types.js';

/** What a command handler may use from the running agent. */
export interface CommandContext {
  config(): ConfigMessage | null;
  device(id: number): DeviceConfig | undefined;
  camera(id: number): CameraConfig | undefined;
  poller: Poller | null;
  prober: Prober | null;
  /** Polls a device now through the runtime: one poll in flight per device, results go to the outbox. */
  pollDevice(device: DeviceConfig): Promise<Outcome>;
  /** Probes a camera now through the runtime (results go to the outbox). */
  probeCamera(camera: CameraConfig, opts?: ProbeCallOptions): Promise<Outcome>;
  /** Publishes a camera frame on `up/snapshot`. */
  publishSnapshot(snapshot: SnapshotInput): Promise<void>;
  /**
   * Resolves true when the agent applies its next config, false after `timeoutMs` or when `signal` aborts.
   * Optional: without it, a target missing from the config is reported at once.
   */
  nextConfig?(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** The hub this agent enrolled with (identity `hub_url`): live views are pushed there and nowhere else. */
  hubUrl: string;
  /** Installs a signed release and restarts into it (fleet upgrades); absent where the agent cannot. */
  upgrade?(
    args: CommandArgs<'upgrade'>,
    job: { id: string; signal: AbortSignal; log(line: string): void },
  ): Promise<Record<string, unknown>>;
  /** Stops another running command; false when it is not running. */
  cancel(commandId: string): boolean;
  log: Logger;
}

/** One running command as its handler sees it. */
export interface Job<A> {
  id: string;
  args: A;
  /** Aborted on `cancel` or when the command's `timeout_s` runs out. */
  signal: AbortSignal;
  /** Adds a log line sent to the hub with the next result message. */
  log(line: string, level?: LogLine['level']): void;
  /** Percent done (0..100). */
  progress(percent: number): void;
  /** Sends a partial outcome now, as the `result` of a `running` message (with the log lines so far). */
  partial(result: unknown): void;
}

/** A command type: one file each in this folder, listed in index.ts. Resolves to the result, throws to fail. */
export interface CommandHandler<T extends CommandType = CommandType> {
  type: T;
  run(job: Job<CommandArgs<T>>, ctx: CommandContext): Promise<unknown>;
}

/** A failure a handler reports to the hub as `failed` with this message. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Helper for handler files: keeps the handler's args typed by its type. */
export function defineCommand<T extends CommandType>(handler: CommandHandler<T>): CommandHandler<T> {
  return handler;
}
