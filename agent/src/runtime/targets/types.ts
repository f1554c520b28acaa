import type { ConfigMessage } from '@outpost/protocol';
import type { CheckRunner } from '../../checks/runner.js';
import type { Logger } from '../../logger.js';
import type { TargetState, TargetStatus, TrackedList } from '../../state/state.js';
import type { Outcome, Poller, ProbeCallOptions, Prober, SnapshotInput } from '../types.js';

/** What target kinds may use, built once in the composition root (`startAgent`). */
export interface TargetDeps {
  poller: Poller | null;
  prober: Prober | null;
  checks: CheckRunner | null;
  publishSnapshot(snapshot: SnapshotInput): Promise<void>;
  now(): number;
  log: Logger;
}

/**
 * One kind of thing the agent runs on a period (SNMP devices, cameras, scheduled snapshots, checks). The runtime
 * schedules every kind the same way: keys `<name>:<id>`, one run in flight per key, results to the outbox,
 * status changes sent at once. Adding a kind is one file in this folder and one line in ./index.ts.
 */
export interface TargetKind<T extends { id: number } = { id: number }> {
  name: string;
  /** The targets of this kind in a config (none when this agent cannot run the kind). */
  targets(config: ConfigMessage): readonly T[];
  /** How often a target runs; 0 leaves it unscheduled (it still runs on demand). */
  intervalMs(target: T): number;
  /** Runs one target. Resolves to what goes to the outbox, or null for a kind that publishes elsewhere. */
  run(target: T, opts?: ProbeCallOptions): Promise<Outcome | null>;
  /** Shown by `status`: the list, how a target is described, and the status an outcome carries. */
  tracked?: {
    list: TrackedList;
    describe(target: T): Omit<TargetState, 'last'>;
    status(outcome: Outcome): TargetStatus;
  };
  /** A target changed or left the config: drop its session and state. */
  forget?(id: number): void;
  close?(): void | Promise<void>;
  /** A warning when the config has targets of this kind the agent cannot run. */
  unavailable?(config: ConfigMessage): string | null;
}

/** A target kind built from the agent's dependencies. */
export type TargetKindFactory = (deps: TargetDeps) => TargetKind;

/** Helper for kind files: types the kind by its target while the registry holds any kind. */
export function defineTargetKind<T extends { id: number }>(kind: TargetKind<T>): TargetKind {
  return kind as unknown as TargetKind;
}

/** The status carried by the first event of `type` in an outcome. */
export function eventStatus(
  outcome: Outcome,
  type: string,
  detail?: (event: Record<string, unknown>) => string | undefined,
): TargetStatus {
  const e = outcome.events.find((ev) => ev.type === type) as Record<string, unknown> | undefined;
  const error = (e?.error ?? e?.reason) as string | undefined;
  const d = e && detail ? detail(e) : undefined;
  return {
    status: typeof e?.status === 'string' ? e.status : 'unknown',
    ...(error ? { error } : {}),
    samples: outcome.samples.length,
    ...(d ? { detail: d } : {}),
  };
}
