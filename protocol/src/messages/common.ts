import * as z from 'zod';

/** The protocol version every payload carries as `v`. */
export const PROTOCOL_VERSION = 1;

// Epoch milliseconds between 2000-01-01 and 2100-01-01: catches seconds sent by mistake and garbage clocks.
export const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
export const MAX_TIMESTAMP_MS = Date.UTC(2100, 0, 1);

/** A point in time as epoch milliseconds. */
export const Timestamp = z
  .int()
  .min(MIN_TIMESTAMP_MS, 'timestamp must be epoch milliseconds after 2000-01-01')
  .max(MAX_TIMESTAMP_MS, 'timestamp must be epoch milliseconds before 2100-01-01');

/** A hub database id (device, camera, site): a positive safe integer. */
export const EntityId = z.int().positive();

/** A non-negative safe integer (counts, backlog sizes). */
export const Count = z.int().nonnegative();

/** The `v` field. */
export const Version = z.literal(PROTOCOL_VERSION);

/** What a metric name looks like (also checked by the hand-written batch decoders). */
export const METRIC_NAME_RE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
export const METRIC_NAME_MAX = 128;

/** Metric names: lower-case words separated by '_' or '.', e.g. `if_in_bps`, `cpu.load_1m`. */
export const MetricName = z
  .string()
  .min(1)
  .max(METRIC_NAME_MAX)
  .regex(METRIC_NAME_RE, 'metric name must be lower-case letters, digits, "_" and "."');

/** A short free-text string such as an error message. */
export const Text = (max: number) => z.string().max(max);
