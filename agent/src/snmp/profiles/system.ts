import type { Sample } from '@outpost/protocol';
import { detectReboot, type UptimeReading } from '../rates.js';
import { asNumber, asText } from '../values.js';
import { type Profile, push, type SysFacts, sample } from './types.js';

// SNMPv2-MIB system group (RFC 3418).
export const SYS = {
  descr: '1.3.6.1.2.1.1.1.0',
  objectId: '1.3.6.1.2.1.1.2.0',
  upTime: '1.3.6.1.2.1.1.3.0',
  contact: '1.3.6.1.2.1.1.4.0',
  name: '1.3.6.1.2.1.1.5.0',
  location: '1.3.6.1.2.1.1.6.0',
} as const;

/** sysName, sysDescr, sysObjectID, sysUpTime, sysLocation, sysContact; a restart when sysUpTime goes backwards. */
export const system: Profile<UptimeReading> = {
  name: 'system',
  description: 'SNMPv2-MIB system group: identity, uptime and reboot detection (always polled first)',
  applies: () => true,
  scalars: [SYS.descr, SYS.objectId, SYS.upTime, SYS.contact, SYS.name, SYS.location],
  collect({ scalars }, prev, ctx) {
    const ticks = asNumber(scalars.get(SYS.upTime));
    const sys: SysFacts = {};
    const text = (oid: string, max: number) => asText(scalars.get(oid))?.slice(0, max);
    const name = text(SYS.name, 255);
    const descr = text(SYS.descr, 1024);
    const objectId = text(SYS.objectId, 255);
    const location = text(SYS.location, 255);
    const contact = text(SYS.contact, 255);
    if (name !== undefined) sys.name = name;
    if (descr !== undefined) sys.descr = descr;
    if (objectId !== undefined) sys.object_id = objectId;
    if (ticks !== undefined) sys.uptime_s = ticks / 100;
    if (location !== undefined) sys.location = location;
    if (contact !== undefined) sys.contact = contact;
    const samples: Sample[] = [];
    if (ticks === undefined) return { samples, sys, rebooted: false, state: prev };
    const cur = { ticks, ts: ctx.now };
    const rebooted = detectReboot(prev, cur);
    push(samples, sample(ctx, 'sys_uptime', ticks / 100, 's'), sample(ctx, 'sys_rebooted', rebooted ? 1 : 0));
    return { samples, sys, rebooted, state: cur };
  },
};
