import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { needPostgres, type RunningPostgres, startPostgres } from '../../../test/support/postgres.js';
import { until } from '../../../test/support/wait.js';
import type { HubContext } from '../context.js';
import { HubEvents } from '../events.js';
import { createLogger } from '../logger.js';
import { UpgradeRoutes } from '../net/upgrades.js';
import { type Service, startServices } from '../services/index.js';
import { LOCK_NAMESPACE, PgAdvisoryLock } from '../store/postgres/advisory-lock.js';
import { PgNotifyChannel } from '../store/postgres/notify-channel.js';
import { Elector } from './elector.js';
import type { Timing } from './leadership.js';
import { EventRelay } from './relay.js';

// One throwaway PostgreSQL for the file: the hubs here are elector and relay pairs on one database.
const skip = needPostgres();
let server: RunningPostgres | undefined;
let url = '';
before(async () => {
  if (skip) return;
  server = await startPostgres();
  url = await server.createDatabase('cluster');
});
after(async () => {
  await server?.stop();
});

const logger = createLogger(process.env.DEBUG_CLUSTER ? 'debug' : 'silent');
// Quick attempts and probes; a lease long enough that a busy test machine does not lapse it.
const FAST: Timing = { retryMs: 150, probeMs: 150, leaseMs: 5000 };
const http = (() => {
  const s = createServer();
  return { server: s, upgrades: new UpgradeRoutes(s) };
})();

/** Ends the backends holding Outpost's leader lock, as a dead hub's connection would end. */
async function endLockHolders(): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid AND granted`,
      [LOCK_NAMESPACE],
    );
    return r.rowCount ?? 0;
  } finally {
    await c.end();
  }
}

/** A hub's services: a per-hub one and a singleton, recording where they run. */
function hubServices(name: string, log: string[]): Service[] {
  const rec = (service: string, singleton: boolean): Service => ({
    name: service,
    singleton,
    async start() {
      log.push(`${name} start ${service}`);
      return { stop: async () => void log.push(`${name} stop ${service}`) };
    },
  });
  return [rec('link', false), rec('alerting', true)];
}

const running = (log: string[], hub: string) => {
  const starts = log.filter((l) => l === `${hub} start alerting`).length;
  const stops = log.filter((l) => l === `${hub} stop alerting`).length;
  return starts - stops;
};

describe('leader election on PostgreSQL', { skip }, () => {
  it('runs the singletons on one hub; a hub whose connection dies stops them and another takes over', async () => {
    const log: string[] = [];
    const ctx = { logger } as unknown as HubContext;
    const electors = ['A', 'B', 'C'].map(
      (name) => [name, new Elector(new PgAdvisoryLock(url), { logger, timing: FAST })] as const,
    );
    const stops = new Map<string, () => Promise<void>>();
    for (const [name, e] of electors)
      stops.set(name, await startServices(ctx, http, hubServices(name, log), e));
    try {
      // Every hub runs its per-hub service; exactly one runs the singleton.
      assert.deepEqual(log.filter((l) => l.endsWith('start link')).length, 3);
      const leaders = () => electors.filter(([, e]) => e.isLeader()).map(([n]) => n);
      assert.deepEqual(leaders(), ['A']);
      assert.equal(running(log, 'A'), 1);

      // A's session ends (a killed process, a dropped network): A stops its singleton, B or C starts it.
      assert.equal(await endLockHolders(), 1);
      const next = await until(() => leaders().find((n) => n !== 'A'), 5000, 'another leader');
      await until(() => running(log, 'A') === 0, 5000, 'A to stop its singleton');
      await until(() => running(log, next) === 1, 5000, `${next} to start the singleton`);
      assert.deepEqual(leaders(), [next]);
      // A comes back as a follower: the singleton never runs on two hubs at once.
      await new Promise((r) => setTimeout(r, 4 * FAST.retryMs));
      assert.deepEqual(leaders(), [next]);
      assert.equal(
        ['A', 'B', 'C'].reduce((n, h) => n + running(log, h), 0),
        1,
      );

      // The leader shuts down cleanly: it stops its singleton and releases the lock at once.
      await stops.get(next)?.();
      stops.delete(next);
      const third = await until(() => leaders()[0], 5000, 'a third leader');
      assert.notEqual(third, next);
      assert.ok(log.includes(`${next} stop link`));
      await until(() => running(log, third) === 1, 5000, `${third} to start the singleton`);
    } finally {
      for (const stop of stops.values()) await stop();
    }
    assert.equal(
      ['A', 'B', 'C'].reduce((n, h) => n + running(log, h), 0),
      0,
    );
  });

  it('steps down when its session ends, and leads again once its new session takes the lock', async () => {
    const seen: boolean[] = [];
    const e = new Elector(new PgAdvisoryLock(url), { logger, timing: FAST, onRole: (l) => seen.push(l) });
    await e.start(async () => {});
    try {
      assert.ok(e.isLeader());
      await endLockHolders();
      await until(() => seen.length >= 3, 5000, 'leading again after the lost session');
      assert.deepEqual(seen.slice(0, 3), [true, false, true]);
    } finally {
      await e.stop();
    }
  });
});

describe('hub events between hubs on PostgreSQL', { skip }, () => {
  it('delivers each event to the other hubs once and in order, large ones whole, local listeners untouched', async () => {
    const hubs = ['A', 'B'].map((name) => {
      const events = new HubEvents();
      const relay = new EventRelay(events, new PgNotifyChannel(url), { logger, origin: name, retryMs: 100 });
      return { events, relay };
    });
    const [a, b] = hubs as [(typeof hubs)[0], (typeof hubs)[0]];
    for (const h of hubs) await h.relay.start();
    try {
      const atA: number[] = [];
      const atB: number[] = [];
      const localAtB: number[] = [];
      a.events.on('rollout.changed', (e) => atA.push(e.rollout_id));
      b.events.on('rollout.changed', (e) => atB.push(e.rollout_id));
      b.events.on('rollout.changed', (e) => localAtB.push(e.rollout_id), { local: true });
      for (let i = 1; i <= 50; i++) a.events.emit('rollout.changed', { rollout_id: i, by: 'api' });
      await until(() => atB.length === 50, 5000, 'B to receive 50 events');
      assert.deepEqual(
        atB,
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      assert.equal(atA.length, 50, 'A gets its own events once, in-process, not back from the database');
      assert.deepEqual(localAtB, [], 'a local listener does not get another hub’s events');

      // A batch's samples: far over one notification's 8000 bytes.
      const samples = Array.from({ length: 2000 }, (_, i) => ({
        kind: 'device' as const,
        device_id: i,
        metric: 'if_in_bps',
        labels: { ifName: `Gi1/0/${i} – café` },
        ts: 1_700_000_000_000 + i,
        value: i * 1.5,
      }));
      let got: unknown;
      b.events.on('samples', (e) => {
        got = e.samples;
      });
      a.events.emit('samples', { agent_id: 'a1', site_id: 1, samples: samples as never });
      await until(() => got, 5000, 'the large event');
      assert.deepEqual(got, samples);

      // B's listening connection dies: B listens again and gets what A emits afterwards.
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'outpost-hub events listener'",
      );
      await c.end();
      const before = atB.length;
      await until(
        async () => {
          a.events.emit('rollout.changed', { rollout_id: 1000, by: 'engine' });
          await a.relay.flushed();
          await new Promise((r) => setTimeout(r, 50));
          return atB.length > before;
        },
        10_000,
        'B to listen again',
        100,
      );
      assert.equal(atB.at(-1), 1000);
    } finally {
      for (const h of hubs) await h.relay.stop();
    }
  });

  it('keeps to itself the events its filter says no to (the leader’s samples), in order with the rest', async () => {
    const leader = new HubEvents();
    const other = new HubEvents();
    const a = new EventRelay(leader, new PgNotifyChannel(url), {
      logger,
      origin: 'leader',
      relays: (name) => name !== 'samples',
    });
    const b = new EventRelay(other, new PgNotifyChannel(url), { logger, origin: 'other' });
    await a.start();
    await b.start();
    try {
      const got: string[] = [];
      let localSamples = 0;
      leader.on('samples', () => localSamples++);
      other.on('samples', () => got.push('samples'));
      other.on('rollout.changed', (e) => got.push(`rollout ${e.rollout_id}`));
      leader.emit('samples', { agent_id: 'a1', site_id: 1, samples: [] });
      leader.emit('rollout.changed', { rollout_id: 7, by: 'api' });
      await until(() => got.length > 0, 5000, 'the rollout event at the other hub');
      assert.deepEqual(got, ['rollout 7'], 'the samples event was not relayed, and it came before');
      assert.equal(localSamples, 1, 'in-process listeners still get it');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
