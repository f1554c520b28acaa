import { registry as register } from '@outpost/protocol';
import type { RuleKind } from '../types.js';

// biome-ignore lint/suspicious/noExplicitAny: each kind validates its own params with its schema
export type AnyRuleKind = RuleKind<any>;

import { agentOffline } from './agent-offline.js';
import { bufferDrop } from './buffer-drop.js';
import { cameraAuthFailed } from './camera-auth-failed.js';
import { cameraDegraded } from './camera-degraded.js';
import { cameraDown } from './camera-down.js';
import { checkDown } from './check-down.js';
import { deviceRebooted } from './device-rebooted.js';
import { deviceUnreachable } from './device-unreachable.js';
import { interfaceDown } from './interface-down.js';
import { snmpAuthFailure } from './snmp-auth-failure.js';
import { snmpTrap } from './snmp-trap.js';
import { threshold } from './threshold.js';
import { tlsCertExpiry } from './tls-cert-expiry.js';
import { trapOid } from './trap-oid.js';
import { upsBattery } from './ups-battery.js';
import { upsOnBattery } from './ups-on-battery.js';

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
  checkDown,
  tlsCertExpiry,
  upsOnBattery,
  upsBattery,
  snmpTrap,
  trapOid,
]);

/** Builds the registry, refusing two kinds with one name (the project's one registry helper). */
export function registry(kinds: AnyRuleKind[]): ReadonlyMap<string, AnyRuleKind> {
  return register('alert rule kind', kinds, (k) => k.name);
}

export function ruleKind(name: string): RuleKind<unknown> | undefined {
  return RULE_KINDS.get(name) as RuleKind<unknown> | undefined;
}
