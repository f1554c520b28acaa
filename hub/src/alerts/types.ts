import type { AgentEvent, Sample } from '@outpost/protocol';
import type { z } from 'zod';

import { SEVERITIES, type Severity } from '../store/alerts.js';

export { SEVERITIES, type Severity } from '../store/alerts.js';

/** Rank of a severity: 0 is the most severe. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Whether `s` is at least as severe as `min`. */
export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) <= severityRank(min);
}

/**
 * What a rule sees: one normalized happening from the hub event bus, or a clock tick for absence of data.
 * Device inputs carry the inventory facts threshold scopes need (device type, site).
 */
export type AlertInput =
  | {
      kind: 'device.status';
      device_id: number;
      site_id: number;
      status: string;
      previous: string;
      error?: string;
      /** `checks`: a device without SNMP whose status follows its checks. */
      via?: 'checks';
      ts: number;
    }
  | {
      kind: 'check.status';
      check_id: number;
      device_id: number;
      site_id: number;
      name: string;
      check_kind: string;
      status: 'up' | 'down';
      previous: string;
      error?: string;
      ts: number;
    }
  | {
      kind: 'device.rebooted';
      device_id: number;
      site_id: number;
      uptime_s: number;
      previous_uptime_s: number;
      ts: number;
    }
  | {
      kind: 'camera.status';
      camera_id: number;
      site_id: number;
      status: string;
      previous: string;
      reason?: string;
      ts: number;
    }
  | {
      kind: 'agent.status';
      agent_id: string;
      site_id: number;
      state: 'online' | 'offline';
      reason?: string;
      ts: number;
    }
  | { kind: 'sample'; agent_id: string; site_id: number; device_type?: string; sample: Sample }
  | { kind: 'agent.event'; agent_id: string; site_id: number; event: AgentEvent }
  | { kind: 'tick'; ts: number };

/** The thing an alert is about. `key` is unique per rule and stable across restarts. */
export interface AlertTarget {
  key: string;
  device_id?: number;
  camera_id?: number;
  site_id?: number;
  agent_id?: string;
}

/** What a rule asks the engine to do. */
export type RuleAction =
  | { type: 'fire'; target: AlertTarget; title: string; message?: string; ts: number; severity?: Severity }
  | {
      type: 'clear';
      key: string;
      ts: number;
      message?: string;
      /** Resolve without a recovery notice (one-shot happenings such as a reboot). */
      quiet?: boolean;
    };

/** Per-target state a rule keeps between inputs. `firing` is restored from open alerts on restart. */
export interface TargetState {
  firing: boolean;
  /** When the condition started to hold (for `for` durations). */
  since?: number;
  /** When the condition was last confirmed. */
  last?: number;
  /** Target facts remembered so that a timer can fire without new data. */
  target?: AlertTarget;
  title?: string;
  message?: string;
  /** Kind-specific numbers (last uptime, admin status, ...). */
  data?: Record<string, number | string>;
}

export type RuleState = Readonly<Record<string, TargetState>>;

export interface RuleResult {
  state: RuleState;
  actions: RuleAction[];
}

/** A configured rule as the engine evaluates it. */
export interface RuleConfig<P = unknown> {
  /** Stable identifier stored in `alerts.rule`: the kind name for built-ins, `threshold:<id>` for user rules. */
  key: string;
  name: string;
  severity: Severity;
  params: P;
}

/**
 * One kind of rule: a pure evaluation from (state, input, now) to (new state, actions). No I/O, no clock.
 * Each kind is one file in `rules/`, listed in `rules/index.ts`.
 */
export interface RuleKind<P = unknown> {
  name: string;
  description: string;
  /** Built-in kinds exist once, enabled by default; user kinds (threshold) are created through the API. */
  builtin: boolean;
  defaultSeverity: Severity;
  params: z.ZodType<P>;
  /**
   * Which samples the kind looks at, so that the engine skips the rest cheaply: metric names, 'batch' (the
   * first sample of each batch is enough), or nothing (the default).
   */
  sampleMetrics?(params: P): readonly string[] | 'batch';
  evaluate(state: RuleState, input: AlertInput, now: number, rule: RuleConfig<P>): RuleResult;
}

/** Helpers shared by rule kinds. */
export function setTarget(state: RuleState, key: string, next: TargetState | undefined): RuleState {
  const copy: Record<string, TargetState> = { ...state };
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}

export const deviceKey = (id: number) => `device:${id}`;
export const cameraKey = (id: number) => `camera:${id}`;
export const agentKey = (id: string) => `agent:${id}`;

/**
 * A reference to an entity inside an alert title or message, rendered with its current name when the alert is
 * stored (`{{device:7}}` -> `core-sw (10.0.0.5)`), so that rules stay pure and titles stay readable.
 */
export const ref = (kind: 'device' | 'camera' | 'agent' | 'site', id: number | string) => `{{${kind}:${id}}}`;
