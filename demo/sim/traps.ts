import snmp from 'net-snmp';
import type { SimulatedDevice } from './device.js';

/** Where the demo's devices send their traps: the local agent's receiver. */
export interface TrapTarget {
  port: number;
  community: string;
}

/** Sends an SNMPv2c trap from a simulated device's address, as the real device would. */
export function sendTrap(
  from: SimulatedDevice,
  to: TrapTarget,
  trapOid: string,
  varbinds: { oid: string; type: number; value: unknown }[],
): Promise<void> {
  const session = snmp.createSession('127.0.0.1', to.community, {
    port: to.port,
    version: snmp.Version2c,
    sourceAddress: from.host,
  } as snmp.SessionOptions);
  return new Promise((resolve, reject) => {
    session.trap(trapOid, varbinds as snmp.Varbind[], (err: Error | null) => {
      session.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

// IF-MIB (RFC 2863): linkDown/linkUp carry ifIndex, ifAdminStatus, ifOperStatus of the port.
const LINK = { down: '1.3.6.1.6.3.1.1.5.3', up: '1.3.6.1.6.3.1.1.5.4' } as const;

/** A switch's linkDown or linkUp trap for one port, after setting the port's status in its MIB. */
export async function sendLinkTrap(
  sw: SimulatedDevice,
  to: TrapTarget,
  ifIndex: number,
  up: boolean,
): Promise<void> {
  sw.setLink(ifIndex, up);
  await sendTrap(sw, to, up ? LINK.up : LINK.down, [
    { oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, type: snmp.ObjectType.Integer, value: ifIndex },
    { oid: `1.3.6.1.2.1.2.2.1.7.${ifIndex}`, type: snmp.ObjectType.Integer, value: 1 },
    { oid: `1.3.6.1.2.1.2.2.1.8.${ifIndex}`, type: snmp.ObjectType.Integer, value: up ? 1 : 2 },
  ]);
}
