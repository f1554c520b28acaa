import * as z from 'zod';
import { LIMITS } from '../limits.js';
import { CheckStateEvent } from './check-events.js';
import { Count, EntityId, MetricName, Text, Timestamp, Version } from './common.js';
import { AgentNetworkEvent, TopologyEvent } from './topology-events.js';
import { SnmpTrapEvent, TrapDroppedEvent } from './trap-events.js';

export { CHECK_STATUSES, CheckStateEvent } from './check-events.js';
export {
  AgentNetworkEvent,
  type AgentNetworkEventMessage,
  NeighbourSchema,
  TOPOLOGY_LIMITS,
  TopologyEvent,
  type TopologyEventMessage,
} from './topology-events.js';
export { SnmpTrapEvent, TRAP_DROP_REASONS, TrapDroppedEvent, TrapVarbind } from './trap-events.js';

/** What a label key looks like (also checked by the hand-written batch decoders). */
export const LABEL_KEY_RE = /^[a-z][a-z0-9_]{0,63}$/;
/** Longest unit and label value, in characters (Unicode code points). */
export const UNIT_MAX = 32;
export const LABEL_VALUE_MAX = 256;

const LabelKey = z.string().regex(LABEL_KEY_RE, 'label key must be lower-case letters, digits, "_"');

/** One measurement: of a device, a camera, or (with neither id) the agent itself. */
export const SampleSchema = z
  .object({
    device_id: EntityId.optional(),
    camera_id: EntityId.optional(),
    metric: MetricName,
    value: z.number(),
    /** Unit where one applies: `bps`, `percent`, `bytes`, `s`, `ms`, `fps`, `kbps`, `celsius`, ... */
    unit: Text(UNIT_MAX).optional(),
    ts: Timestamp,
    /** Which part of the target: `if_index`, `if_name`, `sensor`, `storage`, ... */
    labels: z
      .record(LabelKey, Text(LABEL_VALUE_MAX))
      .refine((l) => Object.keys(l).length <= LIMITS.sampleLabels, `at most ${LIMITS.sampleLabels} labels`)
      .optional(),
  })
  .refine((s) => s.device_id === undefined || s.camera_id === undefined, {
    message: 'a sample belongs to a device or a camera, not both',
    path: ['camera_id'],
  });
export type Sample = z.infer<typeof SampleSchema>;

/** System facts read from a device (SNMPv2-MIB system group). */
export const SysInfoSchema = z.object({
  name: Text(255).optional(),
  descr: Text(1024).optional(),
  object_id: Text(255).optional(),
  uptime_s: z.number().nonnegative().optional(),
  location: Text(255).optional(),
  contact: Text(255).optional(),
});

/** Facts about a camera's stream. */
export const StreamInfoSchema = z.object({
  codec: Text(32).optional(),
  profile: Text(64).optional(),
  width: z.int().positive().optional(),
  height: z.int().positive().optional(),
  fps: z.number().nonnegative().optional(),
  bitrate_kbps: z.number().nonnegative().optional(),
  keyframe_interval: z.number().nonnegative().optional(),
});

export const DEVICE_STATUSES = ['online', 'unreachable', 'auth_failed'] as const;
export const CAMERA_STATUSES = ['online', 'degraded', 'auth_failed', 'unreachable'] as const;

/** The result of polling a device: reachable or not, and why. */
export const DeviceStateEvent = z.object({
  type: z.literal('device_state'),
  ts: Timestamp,
  device_id: EntityId,
  status: z.enum(DEVICE_STATUSES),
  error: Text(1024).optional(),
  sys: SysInfoSchema.optional(),
});

/** The result of probing a camera. */
export const CameraStateEvent = z.object({
  type: z.literal('camera_state'),
  ts: Timestamp,
  camera_id: EntityId,
  status: z.enum(CAMERA_STATUSES),
  reason: Text(1024).optional(),
  stream: StreamInfoSchema.optional(),
});

/** Something went wrong on the agent that is not a device or camera state. */
export const ErrorEvent = z.object({
  type: z.literal('error'),
  ts: Timestamp,
  code: Text(64).optional(),
  message: Text(2048),
  device_id: EntityId.optional(),
  camera_id: EntityId.optional(),
});

/** The outbox was full and evicted its oldest rows: nothing is lost silently. */
export const BufferDropEvent = z.object({
  type: z.literal('buffer_drop'),
  ts: Timestamp,
  /** Rows evicted in this episode. */
  dropped: z.int().positive(),
  /** Rows evicted since enrollment. */
  total_dropped: Count,
  /** Time range of the evicted data. */
  oldest_ts: Timestamp.optional(),
  newest_ts: Timestamp.optional(),
});

/** Agent lifecycle: started, stopping, config applied, reconnected to the hub. */
export const LifecycleEvent = z.object({
  type: z.literal('lifecycle'),
  ts: Timestamp,
  phase: z.enum(['started', 'stopping', 'config_applied', 'reconnected']),
  config_version: z.int().nonnegative().optional(),
  detail: Text(1024).optional(),
});

export const UPGRADE_PHASES = ['installed', 'confirmed', 'rolled_back', 'refused'] as const;

/**
 * A fleet upgrade step on the agent: a release `installed` beside the running version (a restart follows),
 * `confirmed` (the new version reached the hub), `rolled_back` (it did not, within its time, or kept failing:
 * the agent runs `from_version` again) or `refused` (not installed: signature, checksum, Node.js version).
 */
export const UpgradeStateEvent = z.object({
  type: z.literal('upgrade_state'),
  ts: Timestamp,
  phase: z.enum(UPGRADE_PHASES),
  /** The release this is about. */
  version: Text(64),
  /** The version the agent ran before (and runs again after a rollback). */
  from_version: Text(64).optional(),
  reason: Text(1024).optional(),
  /** The hub job that asked for it, when one did. */
  job_id: Text(64).optional(),
});

const KNOWN_EVENT_TYPES = [
  'device_state',
  'camera_state',
  'error',
  'buffer_drop',
  'lifecycle',
  'check_state',
  'snmp_trap',
  'trap_dropped',
  'topology',
  'agent_network',
  'upgrade_state',
] as const;
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];

/**
 * An event of a type added later inside v1: kept with its type and time so that an older hub stores it
 * instead of rejecting the whole batch.
 */
export const OtherEvent = z.object({
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'event type must be lower-case letters, digits, "_"')
    .refine((t) => !(KNOWN_EVENT_TYPES as readonly string[]).includes(t), 'malformed event of a known type'),
  ts: Timestamp,
});

const KnownEventSchema = z.discriminatedUnion('type', [
  DeviceStateEvent,
  CameraStateEvent,
  ErrorEvent,
  BufferDropEvent,
  LifecycleEvent,
  CheckStateEvent,
  SnmpTrapEvent,
  TrapDroppedEvent,
  TopologyEvent,
  AgentNetworkEvent,
  UpgradeStateEvent,
]);

/** Any event; a known type must match its schema exactly. */
export const EventSchema = z.unknown().transform((value, ctx) => {
  const type = (value as { type?: unknown } | null)?.type;
  const schema = (KNOWN_EVENT_TYPES as readonly unknown[]).includes(type) ? KnownEventSchema : OtherEvent;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.infer<typeof KnownEventSchema> | z.infer<typeof OtherEvent>;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
  return z.NEVER;
});
export type AgentEvent = z.infer<typeof EventSchema>;
export type KnownEvent = z.infer<typeof KnownEventSchema>;

/** `up/batch`: samples and events, numbered by a per-agent `seq` that only grows. */
export const BatchSchema = z.object({
  v: Version,
  /** Per-agent sequence number, >= 1, strictly increasing, persisted with the rows. */
  seq: z.int().positive(),
  sent_at: Timestamp,
  samples: z.array(SampleSchema).max(LIMITS.batchSamples).default([]),
  events: z.array(EventSchema).max(LIMITS.batchEvents).default([]),
});
export type BatchMessage = z.infer<typeof BatchSchema>;
export type BatchInput = z.input<typeof BatchSchema>;
