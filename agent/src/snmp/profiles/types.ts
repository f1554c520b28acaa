import type { Sample } from '@outpost/protocol';
import type { SnmpVarbind } from '../types.js';

/** What the poller fetched for a profile: scalars by OID, walked subtrees by the walk's name. */
export interface ProfileInput {
  scalars: ReadonlyMap<string, SnmpVarbind>;
  walks: ReadonlyMap<string, readonly SnmpVarbind[]>;
}

export interface ProfileContext {
  deviceId: number;
  /** When the data was read (epoch ms, from the poller's clock). */
  now: number;
  /** The device restarted since the previous poll: counters start over, so no rate for this interval. */
  rebooted: boolean;
}

export interface SysFacts {
  name?: string;
  descr?: string;
  object_id?: string;
  uptime_s?: number;
  location?: string;
  contact?: string;
}

export interface ProfileOutput<S> {
  samples: Sample[];
  /** Carried to the next poll of the same device (counter readings for rates). */
  state?: S;
  /** Only the `system` profile: facts for the `device_state` event and whether the device restarted. */
  sys?: SysFacts;
  rebooted?: boolean;
}

/**
 * One SNMP profile: what to read and a pure function that turns varbinds (+ the previous state) into samples.
 * Adding a profile is one file and one line in ./index.ts.
 */
export interface Profile<S = unknown> {
  name: string;
  description: string;
  /** Whether auto-selection (`profiles: []`) picks this profile for a device with this sysObjectID. */
  applies(sysObjectId: string): boolean;
  /** Scalar OIDs fetched with one GET. */
  scalars?: readonly string[];
  /** Subtrees walked, by a short name used in error messages (`walk ifHCInOctets: timeout`). */
  walks?: Readonly<Record<string, string>>;
  collect(input: ProfileInput, prev: S | undefined, ctx: ProfileContext): ProfileOutput<S>;
}

/** Builds a sample of the polled device; returns nothing for a value that is not a finite number. */
export function sample(
  ctx: ProfileContext,
  metric: string,
  value: number | undefined,
  unit?: string,
  labels?: Record<string, string>,
): Sample | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const s: Sample = { device_id: ctx.deviceId, metric, value, ts: ctx.now };
  if (unit) s.unit = unit;
  if (labels) s.labels = labels;
  return s;
}

/** Pushes the samples that are defined. */
export function push(out: Sample[], ...samples: (Sample | undefined)[]): void {
  for (const s of samples) if (s) out.push(s);
}

/** True when `sysObjectId` lies under one of the enterprise prefixes. */
export function underAny(sysObjectId: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => sysObjectId === p || sysObjectId.startsWith(`${p}.`));
}

/** Trims label text to the protocol's 256 characters. */
export function labelText(s: string): string {
  return s.length > 256 ? s.slice(0, 256) : s;
}
