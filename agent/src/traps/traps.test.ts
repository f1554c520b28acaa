import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventSchema } from '@outpost/protocol';
import { SnmpType } from '../snmp/types.js';
import { TrapLimiter } from './limiter.js';
import {
  type ReceivedNotification,
  SNMP_TRAP_OID_0,
  SYS_UPTIME_0,
  toTrapEvent,
  v1TrapOid,
} from './translate.js';

const T = Date.UTC(2026, 10, 22);

describe('trap limiter', () => {
  it('lets a sender burst, then its average rate, and counts the rest per sender', () => {
    const l = new TrapLimiter({ ratePerS: 2, burst: 3, maxPerS: 1000 }, T);
    const at = (ms: number, source = '10.0.0.5') => l.allow(source, T + ms);
    // [time ms, allowed]: 3 at once (burst), then 2 per second.
    const cases: [number, boolean][] = [
      [0, true],
      [0, true],
      [0, true],
      [0, false],
      [100, false],
      [500, true], // 0.5 s x 2/s = 1 token
      [500, false],
      [1000, true],
    ];
    for (const [ms, ok] of cases) assert.equal(at(ms), ok, `at ${ms} ms`);
    assert.equal(at(1000, '10.0.0.6'), true, 'another sender has its own bucket');
    assert.equal(l.counts.rate_limit, 3);
    const drops = l.flush();
    assert.deepEqual(drops, [{ source: '10.0.0.5', reason: 'rate_limit', dropped: 3, since: T, total: 3 }]);
    assert.deepEqual(l.flush(), [], 'reported once');
    at(1000);
    assert.deepEqual(l.flush()[0], {
      source: '10.0.0.5',
      reason: 'rate_limit',
      dropped: 1,
      since: T + 1000,
      total: 4,
    });
  });

  it('bounds all senders together', () => {
    const l = new TrapLimiter({ ratePerS: 100, burst: 100, maxPerS: 5 }, T);
    let allowed = 0;
    for (let i = 0; i < 50; i++) if (l.allow(`10.0.1.${i}`, T)) allowed++;
    assert.equal(allowed, 5);
    assert.equal(l.counts.rate_limit, 45);
  });

  it('counts drops for other reasons apart', () => {
    const l = new TrapLimiter({ ratePerS: 1, burst: 1, maxPerS: 10 }, T);
    l.drop('10.0.0.9', 'auth', T);
    l.drop('10.0.0.9', 'auth', T + 5);
    l.drop('10.0.0.9', 'malformed', T + 6);
    assert.deepEqual(l.counts, { rate_limit: 0, auth: 2, malformed: 1 });
    assert.deepEqual(
      l.flush().map((d) => [d.reason, d.dropped]),
      [
        ['auth', 2],
        ['malformed', 1],
      ],
    );
  });
});

describe('trap translation', () => {
  const cases: [string, number, number, string][] = [
    ['1.3.6.1.4.1.9', 0, 0, '1.3.6.1.6.3.1.1.5.1'], // coldStart
    ['1.3.6.1.4.1.9', 2, 0, '1.3.6.1.6.3.1.1.5.3'], // linkDown
    ['1.3.6.1.4.1.9', 4, 0, '1.3.6.1.6.3.1.1.5.5'], // authenticationFailure
    ['1.3.6.1.4.1.318', 6, 5, '1.3.6.1.4.1.318.0.5'], // APC upsOnBattery
  ];
  for (const [enterprise, generic, specific, oid] of cases) {
    it(`maps v1 ${enterprise} generic ${generic} specific ${specific} to ${oid} (RFC 3584)`, () =>
      assert.equal(v1TrapOid(enterprise, generic, specific), oid));
  }

  it('keeps a v1 trap with its fields and varbinds in Net-SNMP notation', () => {
    const n: ReceivedNotification = {
      pdu: {
        type: 164,
        enterprise: '1.3.6.1.4.1.9',
        agentAddr: '10.0.0.5',
        generic: 2,
        specific: 0,
        upTime: 12345,
        community: 'secret',
        varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: SnmpType.Integer, value: 3 }],
      },
      rinfo: { address: '10.0.0.5', port: 40000 },
    };
    const e = toTrapEvent(n, T, 7)!;
    assert.deepEqual(e, {
      type: 'snmp_trap',
      ts: T,
      device_id: 7,
      source: '10.0.0.5',
      version: '1',
      pdu: 'trap',
      trap_oid: '1.3.6.1.6.3.1.1.5.3',
      uptime_s: 123.45,
      varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'INTEGER', value: '3' }],
      enterprise: '1.3.6.1.4.1.9',
      agent_addr: '10.0.0.5',
      generic_trap: 2,
      specific_trap: 0,
    });
    assert.ok(!JSON.stringify(e).includes('secret'), 'never the community');
    assert.ok(EventSchema.safeParse(e).success);
  });

  it('reads a v3 inform: trap OID and uptime from the first varbinds, the user kept', () => {
    const n: ReceivedNotification = {
      pdu: {
        type: 166,
        user: 'trapper',
        varbinds: [
          { oid: SYS_UPTIME_0, type: SnmpType.TimeTicks, value: 500 },
          { oid: SNMP_TRAP_OID_0, type: SnmpType.OID, value: '1.3.6.1.2.1.33.2.0.1' },
          { oid: '1.3.6.1.2.1.33.1.2.2.0', type: SnmpType.Integer, value: 42 },
        ],
      },
      rinfo: { address: '127.0.0.1', port: 40000 },
    };
    const e = toTrapEvent(n, T, undefined)!;
    assert.equal(e.version, '3');
    assert.equal(e.pdu, 'inform');
    assert.equal(e.trap_oid, '1.3.6.1.2.1.33.2.0.1');
    assert.equal(e.uptime_s, 5);
    assert.equal(e.user, 'trapper');
    assert.equal(e.device_id, undefined);
    assert.deepEqual(e.varbinds, [{ oid: '1.3.6.1.2.1.33.1.2.2.0', type: 'INTEGER', value: '42' }]);
  });

  it('keeps 64 varbinds and counts the rest', () => {
    const varbinds = Array.from({ length: 70 }, (_, i) => ({
      oid: `1.3.6.1.4.1.9.${i}`,
      type: SnmpType.Integer,
      value: i,
    }));
    const e = toTrapEvent({ pdu: { type: 167, varbinds }, rinfo: { address: '10.0.0.5', port: 1 } }, T, 1)!;
    assert.equal(e.varbinds.length, 64);
    assert.equal(e.varbinds_dropped, 6);
    assert.equal(e.trap_oid, '0.0', 'no snmpTrapOID.0: kept under 0.0');
    assert.equal(toTrapEvent({ pdu: { type: 160 }, rinfo: { address: 'x', port: 1 } }, T, 1), null);
  });
});
