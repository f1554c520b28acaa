import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decide } from '../../ingest/ledger.js';
import type { HubStore, UnitOfWork } from '../port.js';
import { addAgent, addSite, addUser, type StoreFactory, T0, withStore } from './fixtures.js';

const N = 6;

/** `n` calls of `fn`, alternately on the two stores, all started before any is awaited. */
function race<T>(a: HubStore, b: HubStore, fn: (store: HubStore, i: number) => Promise<T>, n = N) {
  return Promise.allSettled(Array.from({ length: n }, (_, i) => fn(i % 2 === 0 ? a : b, i)));
}

const fulfilled = <T>(rs: PromiseSettledResult<T>[]) =>
  rs.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled').map((r) => r.value);

/**
 * Writers racing from two stores on one database (two hub processes): each guarded change happens once.
 * Runs only for engines that open a second store on the same database (`factory.twin`).
 */
export function racesContract(factory: StoreFactory): void {
  const withTwins = (t: { skip(reason: string): void }, fn: (a: HubStore, b: HubStore) => Promise<void>) => {
    const twin = factory.twin;
    if (!twin) {
      t.skip('the engine has one writer per database');
      return;
    }
    return withStore(factory, async (a) => {
      const b = await twin(a);
      try {
        await fn(a, b);
      } finally {
        await b.close();
      }
    });
  };

  it('spends an enrollment token once when units of two stores race for it', async (t) => {
    await withTwins(t, async (a, b) => {
      const s = await addSite(a, 's');
      await a.enrollmentTokens.create({
        token_hash: 'h',
        site_id: s.id,
        expires_at: T0 + 1000,
        created_by: null,
        created_at: T0,
      });
      const rs = await race(a, b, (store, i) =>
        store.unit(async (tx) => {
          const spent = await tx.enrollmentTokens.consume('h', `agent-${i}`, T0 + i);
          if (spent.ok) await addAgent(tx, `agent-${i}`, s.id);
          return spent.ok;
        }),
      );
      assert.equal(fulfilled(rs).filter(Boolean).length, 1, JSON.stringify(rs));
      assert.equal((await b.agents.list()).length, 1);
    });
  });

  it('gives each changed site config its own version when two stores bump it together', async (t) => {
    await withTwins(t, async (a, b) => {
      const s = await addSite(a, 's');
      const rs = await race(a, b, (store, i) => store.configVersions.versionFor(s.id, `hash-${i}`, T0 + i));
      const versions = fulfilled(rs).map((r) => r.version);
      assert.equal(versions.length, N, JSON.stringify(rs));
      assert.equal(new Set(versions).size, N, `distinct versions: ${versions}`);
      assert.equal(await a.configVersions.current(s.id), N);
    });
  });

  it('uses a refresh token once and moves a job from queued once, whichever store asks', async (t) => {
    await withTwins(t, async (a, b) => {
      const u = await addUser(a, 'ana');
      await a.sessions.insert({
        user_id: u.id,
        family: 'f',
        token_hash: 'rt',
        issued_at: T0,
        expires_at: T0 + 9,
      });
      const id = (await a.sessions.find('rt'))?.id as number;
      const used = await race(a, b, (store, i) => store.sessions.markUsed(id, T0 + i));
      assert.equal(fulfilled(used).filter(Boolean).length, 1);

      const s = await addSite(a, 's');
      await a.jobs.insert({
        id: 'job_1',
        type: 'poll-now',
        args: {},
        target_kind: null,
        target_id: null,
        site_id: s.id,
        agent_id: null,
        timeout_s: 60,
        queue_timeout_s: 60,
        created_by: null,
        now: T0,
      });
      const sent = await race(a, b, (store, i) =>
        store.jobs.update('job_1', { state: 'sent', send_count: i + 1 }, ['queued']),
      );
      assert.equal(fulfilled(sent).filter(Boolean).length, 1);
    });
  });

  it('counts every alerting config change when two stores bump it together', async (t) => {
    await withTwins(t, async (a, b) => {
      const rs = await race(a, b, (store) => store.alertingState.bumpConfigVersion());
      assert.deepEqual(
        fulfilled(rs).sort((x, y) => x - y),
        Array.from({ length: N }, (_, i) => i + 1),
      );
    });
  });

  it("keeps one correct ack when two stores ingest one agent's batches at once, each seq from both", async (t) => {
    await withTwins(t, async (a, b) => {
      // What a hub's ingest does per batch (ingest/batch-store.ts), with a pause between deciding on the
      // state and recording it, where a hub without the per-agent lock would let the other hub interleave.
      const ingest = (tx: UnitOfWork, seq: number) =>
        (async () => {
          const seen = await tx.ledger.observe('a1', seq);
          await new Promise((r) => setTimeout(r, 5));
          const d = decide(seen.state, {
            seq,
            stored: seen.stored,
            below: seen.below,
            now: T0 + seq,
            connectedAt: T0,
            lostAfterMs: 3_600_000,
          });
          if (d.verdict === 'duplicate') return 'duplicate';
          await tx.ledger.record('a1', {
            seq,
            received_at: T0 + seq,
            samples: 1,
            events: 0,
            ...(d.advanced ? { upTo: d.upTo } : {}),
            ...(d.gap ? { gap: d.gap } : {}),
            lost: d.lost.map((g) => g.id),
            filled: d.filled.map((g) => g.id),
          });
          return 'stored';
        })();
      // Seqs 1..12 out of order, each delivered once through each store (a re-send landing on the other hub).
      const order = [3, 1, 2, 6, 5, 4, 9, 7, 8, 12, 10, 11];
      const rs = await Promise.allSettled(
        order.flatMap((seq) => [a.unit((tx) => ingest(tx, seq)), b.unit((tx) => ingest(tx, seq))]),
      );
      const outcomes = fulfilled(rs);
      assert.equal(outcomes.length, rs.length, JSON.stringify(rs.filter((r) => r.status === 'rejected')));
      assert.equal(outcomes.filter((o) => o === 'stored').length, 12);
      assert.equal(outcomes.filter((o) => o === 'duplicate').length, 12);
      assert.deepEqual(await b.ledger.batches('a1'), { count: 12, min: 1, max: 12 });
      assert.deepEqual((await a.ledger.observe('a1', 13)).state, { upTo: 12, gaps: [], ahead: [] });
      assert.ok(
        (await a.ledger.gaps('a1')).every((g) => g.filled_at !== null),
        'every gap filled',
      );
    });
  });
}
