import type { AgentEvent } from '@outpost/protocol';

/** The `snmp_trap` event as rules read it. */
export interface TrapEvent {
  type: 'snmp_trap';
  ts: number;
  device_id?: number;
  source: string;
  trap_oid: string;
  varbinds: { oid: string; type: string; value: string }[];
  /** Added by the engine for a link trap without the name: the interface's name as the hub knows it. */
  if_name?: string;
}

/** The trap in an agent event, or undefined for any other event. */
export function trapOf(event: AgentEvent): TrapEvent | undefined {
  return event.type === 'snmp_trap' ? (event as unknown as TrapEvent) : undefined;
}

// SNMPv2-MIB snmpTraps (RFC 3418), and IF-MIB's objects carried by linkDown/linkUp (RFC 2863).
export const TRAPS = {
  coldStart: '1.3.6.1.6.3.1.1.5.1',
  warmStart: '1.3.6.1.6.3.1.1.5.2',
  linkDown: '1.3.6.1.6.3.1.1.5.3',
  linkUp: '1.3.6.1.6.3.1.1.5.4',
  authenticationFailure: '1.3.6.1.6.3.1.1.5.5',
  /** UPS-MIB (RFC 1628) upsTrapOnBattery; upsTrapAlarmEntryRemoved. */
  upsTrapOnBattery: '1.3.6.1.2.1.33.2.0.1',
  upsTrapAlarmEntryRemoved: '1.3.6.1.2.1.33.2.0.4',
  /** PowerNet-MIB (APC): upsOnBattery, powerRestored. */
  apcOnBattery: '1.3.6.1.4.1.318.0.5',
  apcPowerRestored: '1.3.6.1.4.1.318.0.9',
} as const;

/** upsAlarmOnBattery (RFC 1628), the upsAlarmDescr of the on-battery alarm. */
export const UPS_ALARM_ON_BATTERY = '1.3.6.1.2.1.33.1.6.3.2';

const IF_INDEX = '1.3.6.1.2.1.2.2.1.1.';
const IF_DESCR = '1.3.6.1.2.1.2.2.1.2.';
const IF_ADMIN = '1.3.6.1.2.1.2.2.1.7.';
const IF_OPER = '1.3.6.1.2.1.2.2.1.8.';
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1.';

/** A varbind's text without Net-SNMP's quoting (`"Gi0/1"` -> `Gi0/1`). */
const unquote = (v: string) => v.replace(/^"(.*)"$/s, '$1').trim();

/**
 * The interface of a linkDown/linkUp trap and what it carries (RFC 2863: ifIndex, ifAdminStatus,
 * ifOperStatus; many devices add ifName or ifDescr, which name it).
 */
export function linkOf(
  trap: TrapEvent,
): { ifIndex: string; admin?: number; oper?: number; name?: string } | undefined {
  let ifIndex: string | undefined;
  let admin: number | undefined;
  let oper: number | undefined;
  let ifName: string | undefined;
  let ifDescr: string | undefined;
  for (const vb of trap.varbinds) {
    if (vb.oid.startsWith(IF_INDEX)) ifIndex = vb.oid.slice(IF_INDEX.length);
    else if (vb.oid.startsWith(IF_NAME)) {
      ifIndex ??= vb.oid.slice(IF_NAME.length);
      ifName = unquote(vb.value) || undefined;
    } else if (vb.oid.startsWith(IF_DESCR)) {
      ifIndex ??= vb.oid.slice(IF_DESCR.length);
      ifDescr = unquote(vb.value) || undefined;
    } else if (vb.oid.startsWith(IF_ADMIN)) {
      ifIndex ??= vb.oid.slice(IF_ADMIN.length);
      admin = Number.parseInt(vb.value, 10);
    } else if (vb.oid.startsWith(IF_OPER)) {
      ifIndex ??= vb.oid.slice(IF_OPER.length);
      oper = Number.parseInt(vb.value, 10);
    }
  }
  if (ifIndex === undefined || !/^\d+$/.test(ifIndex)) return undefined;
  const name = ifName ?? ifDescr;
  return {
    ifIndex,
    ...(name ? { name } : {}),
    ...(Number.isFinite(admin) ? { admin } : {}),
    ...(Number.isFinite(oper) ? { oper } : {}),
  };
}

/** The built-in rule that turns each standard trap into an alert (or resolves one). */
export const STANDARD_TRAP_RULES: Readonly<Record<string, string>> = {
  [TRAPS.linkDown]: 'interface-down',
  [TRAPS.linkUp]: 'interface-down',
  [TRAPS.coldStart]: 'snmp-trap',
  [TRAPS.warmStart]: 'snmp-trap',
  [TRAPS.authenticationFailure]: 'snmp-trap',
  [TRAPS.upsTrapOnBattery]: 'ups-on-battery',
  [TRAPS.upsTrapAlarmEntryRemoved]: 'ups-on-battery',
  [TRAPS.apcOnBattery]: 'ups-on-battery',
  [TRAPS.apcPowerRestored]: 'ups-on-battery',
};

/** A user `trap-oid` rule as the mapping needs it. */
export interface TrapOidRuleRef {
  key: string;
  name: string;
  enabled: boolean;
  trap_oid: string;
  clear_trap_oid?: string;
}

/**
 * Which rule makes an alert of a trap with this OID: a built-in one for the standard traps, else an enabled
 * user trap-oid rule (its trap or its clear trap), else none: the trap is only kept as an event.
 */
export function ruleForTrap(
  trapOid: string,
  userRules: readonly TrapOidRuleRef[],
): { key: string; name: string } | undefined {
  const builtin = STANDARD_TRAP_RULES[trapOid];
  if (builtin) return { key: builtin, name: builtin };
  const r = userRules.find((u) => u.enabled && (u.trap_oid === trapOid || u.clear_trap_oid === trapOid));
  return r ? { key: r.key, name: r.name } : undefined;
}

/**
 * The device and ifIndex of a link trap that does not name its interface (no ifName or ifDescr varbind), so
 * that the engine can add the name the hub knows (`if_name`); undefined for any other event.
 */
export function unnamedLink(event: AgentEvent): { device_id: number; ifIndex: string } | undefined {
  const trap = trapOf(event);
  if (!trap || trap.device_id === undefined || trap.if_name !== undefined) return undefined;
  if (trap.trap_oid !== TRAPS.linkDown && trap.trap_oid !== TRAPS.linkUp) return undefined;
  const link = linkOf(trap);
  return link && !link.name ? { device_id: trap.device_id, ifIndex: link.ifIndex } : undefined;
}
