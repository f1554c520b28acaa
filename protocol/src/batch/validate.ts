import type { z } from 'zod';
import { type Failure, schemaFailure } from '../errors.js';
import { LIMITS } from '../limits.js';
import {
  type AgentEvent,
  BatchSchema,
  EventSchema,
  LABEL_KEY_RE,
  LABEL_VALUE_MAX,
  type Sample,
  UNIT_MAX,
} from '../messages/batch.js';
import {
  MAX_TIMESTAMP_MS,
  METRIC_NAME_MAX,
  METRIC_NAME_RE,
  MIN_TIMESTAMP_MS,
  PROTOCOL_VERSION,
} from '../messages/common.js';

export type BatchMessage = z.infer<typeof BatchSchema>;

const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

/** Length in Unicode code points, as the schema's `max` counts it (a lone surrogate counts as one). */
export function codePoints(s: string): number {
  const units = s.length;
  if (!HIGH_SURROGATE.test(s)) return units;
  let count = units;
  for (let i = 0; i < units - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/** True when `s` has at most `max` code points (cheap when it has at most `max` UTF-16 units). */
export function withinChars(s: string, max: number): boolean {
  return s.length <= max || codePoints(s) <= max;
}

export function isTimestamp(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= MIN_TIMESTAMP_MS && (v as number) <= MAX_TIMESTAMP_MS;
}

/** A hub id: a positive safe integer. */
export function isEntityId(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) > 0;
}

export function isMetricName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= METRIC_NAME_MAX && METRIC_NAME_RE.test(v);
}

export function isLabelKey(k: string): boolean {
  return LABEL_KEY_RE.test(k);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Marks "not sure": the schema decides (and names the problem). */
const UNSURE = null;

function fastLabels(v: unknown): Record<string, string> | null {
  if (!isPlainObject(v)) return UNSURE;
  let n = 0;
  for (const k in v) {
    // `__proto__` (which the schema skips) and anything odd go to the schema.
    if (k === '__proto__' || !LABEL_KEY_RE.test(k)) return UNSURE;
    const value = v[k];
    if (typeof value !== 'string' || !withinChars(value, LABEL_VALUE_MAX)) return UNSURE;
    n++;
  }
  if (n > LIMITS.sampleLabels) return UNSURE;
  // A JSON object parsed for this message is not shared with anyone: it is the output as it is.
  return v as Record<string, string>;
}

function fastSample(v: unknown): Sample | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return UNSURE;
  const s = v as Record<string, unknown>;
  const { device_id, camera_id, metric, value, unit, ts, labels } = s;
  if (!isMetricName(metric)) return UNSURE;
  if (typeof value !== 'number' || !Number.isFinite(value)) return UNSURE;
  if (!isTimestamp(ts)) return UNSURE;
  // An optional key present with the value undefined is kept as such by the schema: let it decide.
  if (device_id === undefined ? 'device_id' in s : !isEntityId(device_id)) return UNSURE;
  if (camera_id === undefined ? 'camera_id' in s : !isEntityId(camera_id) || device_id !== undefined)
    return UNSURE;
  if (unit === undefined ? 'unit' in s : typeof unit !== 'string' || !withinChars(unit, UNIT_MAX))
    return UNSURE;
  let out: Sample;
  if (device_id !== undefined) out = { device_id, metric, value } as Sample;
  else if (camera_id !== undefined) out = { camera_id, metric, value } as Sample;
  else out = { metric, value } as Sample;
  if (unit !== undefined) out.unit = unit as string;
  out.ts = ts;
  if (labels !== undefined) {
    const l = fastLabels(labels);
    if (l === UNSURE) return UNSURE;
    out.labels = l;
  } else if ('labels' in s) return UNSURE;
  return out;
}

/**
 * The batch schema, hand-written for the hot path: returns the message the schema would return, or null when
 * the value is not certainly valid (the caller then asks the schema, which names the problem). Labels objects
 * of the input are reused as they are, so pass values parsed for this call (JSON.parse) or copy first.
 */
export function validateBatchFast(value: unknown): BatchMessage | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return UNSURE;
  const b = value as Record<string, unknown>;
  if (b.v !== PROTOCOL_VERSION) return UNSURE;
  const { seq, sent_at } = b;
  if (!isEntityId(seq) || !isTimestamp(sent_at)) return UNSURE;
  let samples: Sample[] = [];
  if (b.samples !== undefined) {
    const list = b.samples;
    if (!Array.isArray(list) || list.length > LIMITS.batchSamples) return UNSURE;
    samples = new Array<Sample>(list.length);
    for (let i = 0; i < list.length; i++) {
      const s = fastSample(list[i]);
      if (s === UNSURE) return UNSURE;
      samples[i] = s;
    }
  }
  let events: AgentEvent[] = [];
  if (b.events !== undefined) {
    const list = b.events;
    if (!Array.isArray(list) || list.length > LIMITS.batchEvents) return UNSURE;
    events = new Array<AgentEvent>(list.length);
    // Events are few and varied: the schema checks each (and keeps unknown types as {type, ts}).
    for (let i = 0; i < list.length; i++) {
      const e = EventSchema.safeParse(list[i]);
      if (!e.success) return UNSURE;
      events[i] = e.data;
    }
  }
  return { v: PROTOCOL_VERSION, seq, sent_at, samples, events };
}

/** Validates a batch: the hand-written path when it is sure, the schema otherwise. Never throws. */
export function validateBatch(value: unknown): { ok: true; message: BatchMessage } | Failure {
  const fast = validateBatchFast(value);
  if (fast) return { ok: true, message: fast };
  const parsed = BatchSchema.safeParse(value);
  if (!parsed.success) return schemaFailure('batch', parsed.error);
  return { ok: true, message: parsed.data };
}
