import type { AgentEvent, CameraConfig, DeviceConfig, MessageInputs, Sample } from '@outpost/protocol';
import type { LiveSessions } from '../camera/live/sessions.js';
import type { PollContext, TablesRequest, TablesResult } from '../snmp/poller.js';

/** What one poll or probe produced. */
export interface Outcome {
  samples: Sample[];
  events: AgentEvent[];
}

/** A row of a walk job. */
export interface WalkRow {
  oid: string;
  type: string;
  value: string;
}

/** The SNMP side as the runtime sees it (agent/src/snmp implements it). `poll` never throws. */
export interface Poller {
  poll(device: DeviceConfig, context?: PollContext): Promise<Outcome>;
  walk(
    device: DeviceConfig,
    oid: string,
    onRow: (row: WalkRow) => void,
    options?: { maxRows?: number; signal?: AbortSignal },
  ): Promise<{ rows: number; truncated: boolean }>;
  /** Raw scalars and walks of a device (topology); absent from pollers that cannot read them. */
  tables?(device: DeviceConfig, read: TablesRequest): Promise<TablesResult>;
  forget(deviceId: number): void;
  close(): void;
}

/** Per-call options of a camera probe or snapshot: cancellation and a sink for its log lines (redacted). */
export interface ProbeCallOptions {
  signal?: AbortSignal;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', line: string) => void;
}

/** The camera side as the runtime sees it (agent/src/camera implements it). `probe` never throws. */
export interface Prober {
  probe(camera: CameraConfig, opts?: ProbeCallOptions): Promise<Outcome>;
  /** A JPEG frame of the camera, when the prober can take one. */
  snapshot?(camera: CameraConfig, opts?: ProbeCallOptions): Promise<unknown>;
  forget?(cameraId: number): void;
  close?(): void | Promise<void>;
  /** The cameras' live sessions (`live-start`, `live-stop`), when the prober can stream. */
  live?(): Promise<Pick<LiveSessions, 'start' | 'stop'>>;
}

/** A snapshot message for `up/snapshot`. */
export type SnapshotInput = MessageInputs['snapshot'];
