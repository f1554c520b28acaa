import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeVb as vb } from './fake-transport.js';
import { createNetSnmpTransport, type SessionLike } from './net-snmp-transport.js';
import { compareOids, isUnder } from './oid.js';
import type { SnmpTarget, SnmpVarbind } from './types.js';
import { SnmpType } from './types.js';

const COL = '1.3.6.1.2.1.2.2.1.2';
const rows = (n: number) => Array.from({ length: n }, (_, i) => vb.str(`${COL}.${i + 1}`, `if${i + 1}`));
const NEXT = vb.int('1.3.6.1.2.1.2.2.1.3.1', 6);

interface Script {
  view: SnmpVarbind[];
  v1?: boolean;
  /** GETBULK above this many repetitions answers tooBig. */
  tooBigAbove?: number;
  /** GETBULK above this many repetitions gets no answer. */
  dropAbove?: number;
}

/** A scripted net-snmp session: answers from a sorted MIB view, asynchronously, and records what it was asked. */
function scripted(script: Script) {
  const view = [...script.view].sort((a, b) => compareOids(a.oid, b.oid));
  const log = { bulkReps: [] as number[], opened: 0, closed: 0, inFlight: 0, maxInFlight: 0 };
  const after = (i: number) => view.findIndex((v) => compareOids(v.oid, view[i]?.oid ?? '') > 0);
  const nextIndex = (oid: string) => view.findIndex((v) => compareOids(v.oid, oid) > 0);
  const reply = <T>(cb: (err: Error | null, r?: T) => void, err: object | null, r?: T) => {
    log.inFlight++;
    log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
    setImmediate(() => {
      log.inFlight--;
      cb(err as Error | null, r);
    });
  };
  const open = (_t: SnmpTarget): SessionLike => {
    log.opened++;
    return {
      get(oids, cb) {
        const found = oids.map((o) => view.find((v) => v.oid === o));
        if (script.v1 && found.some((f) => !f))
          return reply(cb, { name: 'RequestFailedError', status: 2, message: 'NoSuchName' });
        reply(
          cb,
          null,
          oids.map((o, i) => found[i] ?? { oid: o, type: SnmpType.NoSuchObject, value: null }),
        );
      },
      getNext(oids, cb) {
        const i = nextIndex(oids[0]!);
        if (i < 0) return reply(cb, { name: 'RequestFailedError', status: 2, message: 'NoSuchName' });
        reply(cb, null, [view[i]!]);
      },
      getBulk(oids, _nr, reps, cb) {
        log.bulkReps.push(reps);
        if (script.tooBigAbove !== undefined && reps > script.tooBigAbove)
          return reply(cb, { name: 'RequestFailedError', status: 1, message: 'TooBig' });
        if (script.dropAbove !== undefined && reps > script.dropAbove)
          return reply(cb, { name: 'RequestTimedOutError', message: 'Request timed out' });
        const out: SnmpVarbind[] = [];
        let i = nextIndex(oids[0]!);
        for (let k = 0; k < reps; k++) {
          if (i < 0) {
            out.push({ oid: out.at(-1)?.oid ?? oids[0]!, type: SnmpType.EndOfMibView, value: null });
            continue;
          }
          out.push(view[i]!);
          i = after(i);
        }
        reply(cb, null, [out]);
      },
      close() {
        log.closed++;
      },
      on() {},
    };
  };
  return { open, log };
}

const target = (over: Partial<SnmpTarget> = {}): SnmpTarget => ({
  id: '7',
  host: '192.0.2.7',
  port: 161,
  credentials: { version: '2c', community: 'c' },
  timeoutMs: 100,
  retries: 0,
  ...over,
});

async function walkAll(t: ReturnType<typeof createNetSnmpTransport>, tg: SnmpTarget, oid: string, opts = {}) {
  const got: string[] = [];
  const stats = await t.walk(tg, oid, (vbs) => got.push(...vbs.map((v) => v.oid)), opts);
  return { got, stats };
}

describe('net-snmp transport', () => {
  it('walks a subtree with GETBULK, stops where it ends, and sizes the next walk from the last one', async () => {
    const s = scripted({ view: [...rows(10), NEXT] });
    const t = createNetSnmpTransport({ maxInFlight: 4, maxRepetitions: 4, openSession: s.open });
    const first = await walkAll(t, target(), COL);
    assert.equal(first.got.length, 10);
    assert.ok(first.got.every((o) => isUnder(o, COL)));
    assert.deepEqual(s.log.bulkReps, [4, 4, 4]);
    s.log.bulkReps.length = 0;
    await walkAll(t, target(), COL, { expectedRows: 10 });
    assert.deepEqual(s.log.bulkReps, [8, 3], 'twice the limit, then what is left plus one');
  });

  it('halves max-repetitions on tooBig and keeps the smaller size for the device', async () => {
    const s = scripted({ view: [...rows(6), NEXT], tooBigAbove: 2 });
    const t = createNetSnmpTransport({ maxInFlight: 4, maxRepetitions: 8, openSession: s.open });
    const { got } = await walkAll(t, target(), COL);
    assert.equal(got.length, 6);
    assert.deepEqual(s.log.bulkReps, [8, 4, 2, 2, 2, 2]);
    s.log.bulkReps.length = 0;
    await walkAll(t, target(), COL);
    assert.deepEqual(s.log.bulkReps, [2, 2, 2, 2]);
  });

  it('retries a large request that got no answer once, smaller, and then gives up with the timeout', async () => {
    const ok = scripted({ view: [...rows(30), NEXT], dropAbove: 30 });
    const t1 = createNetSnmpTransport({ maxInFlight: 4, maxRepetitions: 50, openSession: ok.open });
    assert.equal((await walkAll(t1, target(), COL)).got.length, 30);
    assert.deepEqual(ok.log.bulkReps, [50, 25, 25]);
    const dead = scripted({ view: rows(30), dropAbove: 0 });
    const t2 = createNetSnmpTransport({ maxInFlight: 4, maxRepetitions: 50, openSession: dead.open });
    await assert.rejects(walkAll(t2, target(), COL), (e: Error & { code?: string }) => e.code === 'timeout');
    assert.deepEqual(dead.log.bulkReps, [50, 25]);
  });

  it('walks SNMPv1 with GETNEXT until noSuchName, and retries a v1 GET one OID at a time', async () => {
    const s = scripted({ view: rows(3), v1: true });
    const t = createNetSnmpTransport({ maxInFlight: 4, openSession: s.open });
    const v1 = target({ credentials: { version: '1', community: 'c' } });
    const { got, stats } = await walkAll(t, v1, COL);
    assert.deepEqual(got, [`${COL}.1`, `${COL}.2`, `${COL}.3`]);
    assert.equal(stats.requests, 4);
    assert.deepEqual(s.log.bulkReps, []);
    const res = await t.get(v1, [`${COL}.1`, '1.3.6.1.2.1.1.9.0']);
    assert.equal(res[0]?.oid, `${COL}.1`);
    assert.equal(res[1]?.type, SnmpType.NoSuchObject);
  });

  it('stops at maxRows and rejects an aborted walk', async () => {
    const s = scripted({ view: [...rows(10), NEXT] });
    const t = createNetSnmpTransport({ maxInFlight: 4, maxRepetitions: 4, openSession: s.open });
    const { got, stats } = await walkAll(t, target(), COL, { maxRows: 5 });
    assert.equal(got.length, 5);
    assert.equal(stats.truncated, true);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(walkAll(t, target(), COL, { signal: ac.signal }), /walk aborted/);
  });

  it('keeps one session per device, replaces it when settings change, and closes it on forget and close', async () => {
    const s = scripted({ view: rows(2) });
    const t = createNetSnmpTransport({ maxInFlight: 4, openSession: s.open });
    await t.get(target(), [`${COL}.1`]);
    await t.get(target(), [`${COL}.2`]);
    assert.equal(s.log.opened, 1);
    await t.get(target({ credentials: { version: '2c', community: 'new' } }), [`${COL}.1`]);
    assert.deepEqual([s.log.opened, s.log.closed], [2, 1]);
    await t.get(target({ id: '8' }), [`${COL}.1`]);
    t.forget('7');
    assert.equal(s.log.closed, 2);
    t.forget('7');
    assert.equal(s.log.closed, 2, 'forgetting twice closes once');
    t.close();
    assert.deepEqual([s.log.opened, s.log.closed], [3, 3]);
  });

  it('never has more requests in flight than the global limit', async () => {
    const s = scripted({ view: [...rows(20), NEXT] });
    const t = createNetSnmpTransport({ maxInFlight: 2, maxRepetitions: 3, openSession: s.open });
    const walks = ['1', '2', '3', '4', '5'].map((id) => walkAll(t, target({ id }), COL));
    const results = await Promise.all(walks);
    for (const r of results) assert.equal(r.got.length, 20);
    assert.equal(s.log.maxInFlight, 2);
  });
});
