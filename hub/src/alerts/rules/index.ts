import type { RuleKind } from '../types.js';

// biome-ignore lint/suspicious/noExplicitAny: each kind validates its own params with its schema
export type AnyRuleKind = RuleKind<any>;

import { agentOffline } from './agent-offline.js';
import { bufferDrop } from './buffer-drop.js';
import { cameraAuthFailed } from './camera-auth-failed.js';
import { cameraDegraded } from './camera-degraded.js';
import { cameraDown } from './camera-down.js';
import { deviceRebooted } from './device-rebooted.js';
import { deviceUnreachable } from './device-unreachable.js';
import { interfaceDown } from './interface-down.js';
import { snmpAuthFailure } from './snmp-auth-failure.js';
import { threshold } from './threshold.js';

/** Every rule kind, one file each, one line here. */
export const RULE_KINDS: ReadonlyMap<string, AnyRuleKind> = registry([
  deviceUnreachable,
  agentOffline,
  cameraDown,
  cameraDegraded,
  cameraAuthFailed,
  interfaceDown,
  deviceRebooted,
  bufferDrop,
  snmpAuthFailure,
  threshold,
]);

/** Builds the registry, refusing two kinds with one name. */
export function registry(kinds: AnyRuleKind[]): ReadonlyMap<string, AnyRuleKind> {
  const map = new Map<string, AnyRuleKind>();
  for (const k of kinds) {
    if (map.has(k.name)) throw new Error(`alert rule kind "${k.name}" is registered twice`);
    map.set(k.name, k);
  }
  return map;
}

export function ruleKind(name: string): RuleKind<unknown> | undefined {
  return RULE_KINDS.get(name) as RuleKind<unknown> | undefined;
}
