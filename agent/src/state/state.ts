import fs from 'node:fs';
import path from 'node:path';
import { DATA_FILES, writePrivateFile } from '../identity.js';
import type { LinkStatus } from '../link/mqtt-link.js';
import type { OutboxStats } from '../outbox/types.js';

/** The last result of one device, camera or check. */
export interface LastResult {
  ts: number;
  status: string;
  error?: string;
  samples: number;
  /** sysName for devices, codec and size for cameras, response time for checks. */
  detail?: string;
}

export interface TargetState {
  id: number;
  name: string;
  address: string;
  interval_s: number;
  last?: LastResult;
}

/** The lists of targets `status` shows, one per tracked target kind. */
export const TRACKED_LISTS = ['devices', 'cameras', 'checks'] as const;
export type TrackedList = (typeof TRACKED_LISTS)[number];

/** What `run` writes to state.json for `status` (read by another process: no secrets). */
export interface AgentStateFile {
  v: 1;
  pid: number;
  version: string;
  agent_id: string;
  started_at: number;
  updated_at: number;
  /** Set by a clean stop. */
  stopped_at?: number;
  link: LinkStatus;
  config_version: number | null;
  devices: TargetState[];
  cameras: TargetState[];
  /** Absent in state files written before checks existed. */
  checks?: TargetState[];
  outbox: OutboxStats;
  forwarder: {
    in_flight: number;
    sent: number;
    resent: number;
    acks: number;
    /** How batches are encoded now (absent in a state file of an older agent). */
    encoding?: 'json' | 'compact';
  };
  polls: { skipped: number };
  /** The trap receiver, when enabled. */
  traps?: TrapStats;
}

/** Counters of the trap receiver. */
export interface TrapStats {
  listening: string | null;
  error?: string;
  received: number;
  forwarded: number;
  dropped: { rate_limit: number; auth: number; malformed: number };
}

/** A result reduced to what `status` shows. */
export type TargetStatus = Omit<LastResult, 'ts'>;

/** Keeps the last result of every tracked target (devices, cameras, checks) for `status`. */
export class StateTracker {
  private readonly lists_ = new Map<TrackedList, Map<number, TargetState>>();

  /** Follows a new config: keeps the last results of targets that stay. */
  setTargets(list: TrackedList, targets: readonly Omit<TargetState, 'last'>[]): void {
    const old = this.lists_.get(list);
    const next = new Map<number, TargetState>();
    for (const t of targets) {
      const last = old?.get(t.id)?.last;
      next.set(t.id, { ...t, ...(last ? { last } : {}) });
    }
    this.lists_.set(list, next);
  }

  /**
   * Keeps a result as the target's last one. True when the status differs from the previous result's: such a
   * change is worth sending at once rather than with the next batch tick.
   */
  record(list: TrackedList, id: number, result: TargetStatus, now: number): boolean {
    const target = this.lists_.get(list)?.get(id);
    if (!target) return false;
    const previous = target.last?.status;
    target.last = { ts: now, ...result };
    return previous !== undefined && previous !== result.status;
  }

  lists(): Record<TrackedList, TargetState[]> {
    const out = {} as Record<TrackedList, TargetState[]>;
    for (const list of TRACKED_LISTS) out[list] = [...(this.lists_.get(list)?.values() ?? [])];
    return out;
  }
}

export function writeStateFile(dir: string, state: AgentStateFile): void {
  writePrivateFile(path.join(dir, DATA_FILES.state), `${JSON.stringify(state)}\n`);
}

/** The state written by `run`, or null when it never ran in this data directory. */
export function readStateFile(dir: string): AgentStateFile | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, DATA_FILES.state), 'utf8')) as AgentStateFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read ${path.join(dir, DATA_FILES.state)}: ${(err as Error).message}`);
  }
}

/** Whether a process with this pid is alive (signal 0 probes without touching it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
