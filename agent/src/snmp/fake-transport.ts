import { SnmpError } from './errors.js';
import { compareOids, isUnder } from './oid.js';
import type { SnmpTarget, SnmpTransport, SnmpVarbind, WalkOptions, WalkStats } from './types.js';
import { SnmpType } from './types.js';

/** One simulated device: its MIB view, and optionally a failure for some requests. */
export interface FakeAgent {
  varbinds: SnmpVarbind[];
  /** Returns an error to fail a request with (per operation and OID), or undefined to answer it. */
  fail?: (op: 'get' | 'walk', oid: string) => SnmpError | undefined;
  /** Whether the host answers SNMPv3 engine discovery (default: yes, since an agent is there). */
  engine?: boolean;
  /** The only v1/v2c community it answers (default: any); others time out, as snmpd drops them. */
  community?: string;
}

export interface FakeCall {
  op: 'get' | 'walk' | 'probe' | 'forget' | 'close';
  id?: string;
  host?: string;
  oids?: string[];
}

/** A recording fake of `SnmpTransport` for unit tests: answers from in-memory MIB views keyed by host. */
export interface FakeTransport extends SnmpTransport {
  calls: FakeCall[];
  /** Replaces the MIB view (or failure) of a host; `undefined` makes the host unreachable (timeouts). */
  setAgent(host: string, agent: FakeAgent | undefined): void;
}

export function createFakeTransport(agents: Record<string, FakeAgent> = {}): FakeTransport {
  const views = new Map<string, FakeAgent>();
  const setAgent = (host: string, agent: FakeAgent | undefined) => {
    if (!agent) {
      views.delete(host);
      return;
    }
    views.set(host, { ...agent, varbinds: [...agent.varbinds].sort((a, b) => compareOids(a.oid, b.oid)) });
  };
  for (const [host, agent] of Object.entries(agents)) setAgent(host, agent);
  const calls: FakeCall[] = [];

  const agentFor = (t: SnmpTarget, op: 'get' | 'walk', oid: string): FakeAgent => {
    const a = views.get(t.host);
    if (!a) throw new SnmpError('timeout', 'timeout');
    const c = t.credentials;
    if (a.community !== undefined && c.version !== '3' && c.community !== a.community)
      throw new SnmpError('timeout', 'timeout');
    const err = a.fail?.(op, oid);
    if (err) throw err;
    return a;
  };

  return {
    calls,
    setAgent,
    async get(t, oids) {
      calls.push({ op: 'get', id: t.id, host: t.host, oids: [...oids] });
      const out: SnmpVarbind[] = [];
      for (const oid of oids) {
        const a = agentFor(t, 'get', oid);
        out.push(a.varbinds.find((v) => v.oid === oid) ?? { oid, type: SnmpType.NoSuchObject, value: null });
      }
      return out;
    },
    async walk(t, root, onVarbinds, opts: WalkOptions = {}): Promise<WalkStats> {
      calls.push({ op: 'walk', id: t.id, host: t.host, oids: [root] });
      const a = agentFor(t, 'walk', root);
      if (opts.signal?.aborted) throw new SnmpError('aborted', 'walk aborted');
      let rows = a.varbinds.filter((v) => isUnder(v.oid, root));
      const max = opts.maxRows ?? Number.POSITIVE_INFINITY;
      const truncated = rows.length > max;
      if (truncated) rows = rows.slice(0, max);
      if (rows.length) onVarbinds(rows);
      return { varbinds: rows.length, requests: 1, truncated };
    },
    async probeEngine(t) {
      calls.push({ op: 'probe', id: t.id, host: t.host });
      const a = views.get(t.host);
      return a !== undefined && a.engine !== false;
    },
    forget(id) {
      calls.push({ op: 'forget', id });
    },
    close() {
      calls.push({ op: 'close' });
    },
  };
}

/** Builders for fake varbinds. */
export const fakeVb = {
  str: (oid: string, s: string): SnmpVarbind => ({ oid, type: SnmpType.OctetString, value: Buffer.from(s) }),
  int: (oid: string, n: number): SnmpVarbind => ({ oid, type: SnmpType.Integer, value: n }),
  gauge: (oid: string, n: number): SnmpVarbind => ({ oid, type: SnmpType.Gauge32, value: n }),
  counter: (oid: string, n: number): SnmpVarbind => ({ oid, type: SnmpType.Counter32, value: n }),
  counter64: (oid: string, n: bigint): SnmpVarbind => {
    const buf = Buffer.alloc(8);
    buf.writeBigUInt64BE(n);
    return { oid, type: SnmpType.Counter64, value: buf };
  },
  ticks: (oid: string, n: number): SnmpVarbind => ({ oid, type: SnmpType.TimeTicks, value: n }),
  oid: (oid: string, v: string): SnmpVarbind => ({ oid, type: SnmpType.OID, value: v }),
};
