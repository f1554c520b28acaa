import type { SnmpCredentials } from '@outpost/protocol';
import { toSnmpError } from '../snmp/errors.js';
import { system } from '../snmp/profiles/system.js';
import type { SnmpTransport, SnmpVarbind } from '../snmp/types.js';
import type { Pacer } from './pacer.js';

/** A credential to try, with the hub's id of it (absent for the command's own community). */
export interface SnmpCandidate {
  id?: number;
  snmp: SnmpCredentials;
}

export interface SnmpFinding {
  /** The credential that answered, and the system group it got. */
  credential?: SnmpCandidate;
  sys?: NonNullable<ReturnType<typeof system.collect>['sys']>;
  /** Whether any SNMP engine answered (a response, or a USM report to SNMPv3 discovery). */
  engine: boolean;
  /** SNMP requests sent (an SNMPv3 request counts its engine discovery too). */
  requests: number;
}

const requestsOf = (c: SnmpCredentials) => (c.version === '3' ? 2 : 1);

/**
 * Tries each credential in turn with one GET of the system group (no retries: the sweep paces and counts
 * every packet), stopping at the first that answers. `engineFirst`: ask SNMPv3 engine discovery first (one
 * packet, no credential sent) and try credentials only when an engine answers: for addresses that did not
 * answer ping, so that no community is sprayed at empty addresses.
 */
export async function probeSnmp(
  transport: SnmpTransport,
  ip: string,
  candidates: readonly SnmpCandidate[],
  o: { port: number; timeoutMs: number; pacer: Pacer; signal?: AbortSignal; engineFirst: boolean },
): Promise<SnmpFinding> {
  const out: SnmpFinding = { engine: false, requests: 0 };
  const target = (i: number, snmp: SnmpCredentials) => ({
    id: `discover:${ip}:${o.port}:${i}`,
    host: ip,
    port: o.port,
    credentials: snmp,
    timeoutMs: o.timeoutMs,
    retries: 0,
  });
  const askEngine = async () => {
    if (!transport.probeEngine) return false;
    await o.pacer.take(1, o.signal);
    out.requests++;
    const t = target(-1, { version: '2c', community: 'unused' });
    try {
      return await transport.probeEngine(t);
    } catch {
      return false;
    }
  };
  if (o.engineFirst) {
    out.engine = await askEngine();
    if (!out.engine) return out;
  }
  for (const [i, c] of candidates.entries()) {
    o.signal?.throwIfAborted();
    await o.pacer.take(requestsOf(c.snmp), o.signal);
    out.requests += requestsOf(c.snmp);
    const t = target(i, c.snmp);
    try {
      const vbs = await transport.get(t, [...system.scalars!]);
      const scalars = new Map<string, SnmpVarbind>(vbs.map((vb) => [vb.oid, vb]));
      const sys = system.collect({ scalars, walks: new Map() }, undefined, {
        deviceId: 1,
        now: Date.now(),
        rebooted: false,
      }).sys;
      out.credential = c;
      out.engine = true;
      if (sys) out.sys = sys;
      return out;
    } catch (err) {
      const e = toSnmpError(err);
      // A USM report (unknown user, wrong digest) proves an engine even when the credential is wrong.
      if (e.code !== 'timeout') out.engine = true;
      if (e.code === 'aborted') throw err;
    } finally {
      transport.forget(t.id);
    }
  }
  // Tell "SNMP answers, but to none of these credentials" from "no SNMP here" (v2c agents stay silent).
  if (!out.engine && !o.engineFirst && candidates.length > 0) out.engine = await askEngine();
  return out;
}
