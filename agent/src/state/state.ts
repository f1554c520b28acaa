import fs from 'node:fs';
import path from 'node:path';
import type { ConfigMessage } from '@outpost/protocol';
import { DATA_FILES, writePrivateFile } from '../identity.js';
import type { LinkStatus } from '../link/mqtt-link.js';
import type { OutboxStats } from '../outbox/types.js';
import type { Outcome } from '../runtime/types.js';

/** The last result of one device or camera. */
export interface LastResult {
  ts: number;
  status: string;
  error?: string;
  samples: number;
  /** sysName for devices, codec and size for cameras. */
  detail?: string;
}

export interface TargetState {
  id: number;
  name: string;
  address: string;
  interval_s: number;
  last?: LastResult;
}

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
}

/** Keeps the last result of every device and camera for `status`. */
export class StateTracker {
  private devices = new Map<number, TargetState>();
  private cameras = new Map<number, TargetState>();

  /** Follows a new config: keeps the last results of targets that stay. */
  setTargets(config: ConfigMessage | null): void {
    const devices = new Map<number, TargetState>();
    for (const d of config?.devices ?? []) {
      const last = this.devices.get(d.id)?.last;
      devices.set(d.id, {
        id: d.id,
        name: d.name,
        address: `${d.ip_address}:${d.port}`,
        interval_s: d.poll_interval_s,
        ...(last ? { last } : {}),
      });
    }
    const cameras = new Map<number, TargetState>();
    for (const c of config?.cameras ?? []) {
      const last = this.cameras.get(c.id)?.last;
      cameras.set(c.id, {
        id: c.id,
        name: c.name,
        address: c.rtsp_url,
        interval_s: c.probe_interval_s,
        ...(last ? { last } : {}),
      });
    }
    this.devices = devices;
    this.cameras = cameras;
  }

  /**
   * Keeps the outcome as the target's last result. True when the status differs from the previous result's:
   * such a change is worth sending at once rather than with the next batch tick.
   */
  record(kind: 'device' | 'camera', id: number, outcome: Outcome, now: number): boolean {
    const target = (kind === 'device' ? this.devices : this.cameras).get(id);
    if (!target) return false;
    const previous = target.last?.status;
    const state = outcome.events.find(
      (e) => e.type === (kind === 'device' ? 'device_state' : 'camera_state'),
    );
    const s = state as
      | {
          status?: string;
          error?: string;
          reason?: string;
          sys?: { name?: string };
          stream?: { codec?: string; width?: number; height?: number };
        }
      | undefined;
    const detail =
      kind === 'device'
        ? s?.sys?.name
        : s?.stream?.codec
          ? `${s.stream.codec}${s.stream.width ? ` ${s.stream.width}x${s.stream.height}` : ''}`
          : undefined;
    target.last = {
      ts: now,
      status: s?.status ?? 'unknown',
      ...(s?.error || s?.reason ? { error: s.error ?? s.reason } : {}),
      samples: outcome.samples.length,
      ...(detail ? { detail } : {}),
    };
    return previous !== undefined && previous !== target.last.status;
  }

  lists(): { devices: TargetState[]; cameras: TargetState[] } {
    return { devices: [...this.devices.values()], cameras: [...this.cameras.values()] };
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
