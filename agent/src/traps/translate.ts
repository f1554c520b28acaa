import type { KnownEvent } from '@outpost/protocol';
import { formatValue } from '../snmp/format.js';
import type { SnmpVarbind } from '../snmp/types.js';

type SnmpTrap = Extract<KnownEvent, { type: 'snmp_trap' }>;

// RFC 3416 / SNMPv2-MIB: the first two varbinds of a v2 notification.
export const SYS_UPTIME_0 = '1.3.6.1.2.1.1.3.0';
export const SNMP_TRAP_OID_0 = '1.3.6.1.6.3.1.1.4.1.0';
/** snmpTraps: coldStart.1, warmStart.2, linkDown.3, linkUp.4, authenticationFailure.5, egpNeighborLoss.6. */
export const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5';

const PDU_TRAP_V1 = 164;
const PDU_INFORM = 166;
const PDU_TRAP_V2 = 167;

/** What net-snmp's receiver hands over (with `includeAuthentication`). */
export interface ReceivedNotification {
  pdu: {
    type: number;
    varbinds?: SnmpVarbind[];
    enterprise?: string;
    agentAddr?: string;
    generic?: number;
    specific?: number;
    upTime?: number;
    community?: string;
    user?: string;
  };
  rinfo: { address: string; port: number };
}

const MAX_VARBINDS = 64;

/**
 * RFC 3584 section 3.1: the SNMPv2 trap OID of a v1 trap. Generic traps 0-5 become snmpTraps.(generic + 1);
 * enterprise-specific ones (6) become enterprise.0.specific.
 */
export function v1TrapOid(enterprise: string, generic: number, specific: number): string {
  return generic === 6 ? `${enterprise}.0.${specific}` : `${SNMP_TRAPS}.${generic + 1}`;
}

/** Turns a received trap or inform into an `snmp_trap` event; null for a PDU that is neither. */
export function toTrapEvent(
  n: ReceivedNotification,
  ts: number,
  deviceId: number | undefined,
): SnmpTrap | null {
  const { pdu, rinfo } = n;
  if (pdu.type !== PDU_TRAP_V1 && pdu.type !== PDU_TRAP_V2 && pdu.type !== PDU_INFORM) return null;
  const v1 = pdu.type === PDU_TRAP_V1;
  const all = pdu.varbinds ?? [];
  let trapOid: string | undefined;
  let uptimeTicks: number | undefined;
  let rest: SnmpVarbind[] = all;
  if (v1) {
    trapOid = v1TrapOid(pdu.enterprise ?? '0.0', pdu.generic ?? 6, pdu.specific ?? 0);
    uptimeTicks = pdu.upTime;
  } else {
    const up = all.find((vb) => vb.oid === SYS_UPTIME_0);
    const oid = all.find((vb) => vb.oid === SNMP_TRAP_OID_0);
    uptimeTicks = typeof up?.value === 'number' ? up.value : undefined;
    trapOid = typeof oid?.value === 'string' ? oid.value : undefined;
    rest = all.filter((vb) => vb !== up && vb !== oid);
  }
  // A v2 notification without snmpTrapOID.0 is malformed; keep it, under an OID that says so.
  const event: SnmpTrap = {
    type: 'snmp_trap',
    ts,
    ...(deviceId !== undefined ? { device_id: deviceId } : {}),
    source: rinfo.address.slice(0, 64),
    version: v1 ? '1' : pdu.user !== undefined ? '3' : '2c',
    pdu: pdu.type === PDU_INFORM ? 'inform' : 'trap',
    trap_oid: trapOid && /^\d+(\.\d+)*$/.test(trapOid) ? trapOid : '0.0',
    ...(uptimeTicks !== undefined && uptimeTicks >= 0 ? { uptime_s: uptimeTicks / 100 } : {}),
    ...(pdu.user ? { user: pdu.user.slice(0, 255) } : {}),
    varbinds: rest.slice(0, MAX_VARBINDS).map((vb) => {
      const f = formatValue(vb);
      return { oid: vb.oid, type: f.type.slice(0, 32), value: f.value.slice(0, 1024) };
    }),
  };
  if (rest.length > MAX_VARBINDS) event.varbinds_dropped = rest.length - MAX_VARBINDS;
  if (v1) {
    if (pdu.enterprise) event.enterprise = pdu.enterprise;
    if (pdu.agentAddr) event.agent_addr = pdu.agentAddr.slice(0, 64);
    if (pdu.generic !== undefined) event.generic_trap = pdu.generic;
    if (pdu.specific !== undefined) event.specific_trap = pdu.specific;
  }
  return event;
}
