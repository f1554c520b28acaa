import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { needPostgres, type RunningPostgres, startPostgres } from '../../../../test/support/postgres.js';
import { runStoreContract } from '../contract/index.js';
import { isStoreError } from '../errors.js';
import type { HubStore } from '../port.js';
import { openPostgresStore } from './index.js';

// One throwaway cluster for the file; each case gets a database of its own, copied from one migrated template.
const skip = needPostgres();
let pg: RunningPostgres | undefined;
const urls = new WeakMap<HubStore, string>();
let template: Promise<string> | undefined;

before(async () => {
  if (!skip) pg = await startPostgres();
});
after(async () => {
  await pg?.stop();
});

const server = (): RunningPostgres => {
  if (!pg) throw new Error(`PostgreSQL is not running: ${skip || 'the cluster did not start'}`);
  return pg;
};

const migrated = () => {
  template ??= (async () => {
    const url = await server().createDatabase('contract_template');
    await (await openPostgresStore(url)).close();
    return 'contract_template';
  })();
  return template;
};

if (!skip) {
  runStoreContract('postgres', {
    async create() {
      const url = await server().createDatabase(undefined, await migrated());
      const store = await openPostgresStore(url, { maxConnections: 4 });
      urls.set(store, url);
      return store;
    },
    async reopen(store) {
      const url = urls.get(store);
      if (!url) throw new Error('unknown store');
      await store.close();
      const again = await openPostgresStore(url, { maxConnections: 4 });
      urls.set(again, url);
      return again;
    },
    async twin(store) {
      const url = urls.get(store);
      if (!url) throw new Error('unknown store');
      return openPostgresStore(url, { maxConnections: 4 });
    },
  });
}

describe('the built-in time series on PostgreSQL: one writer', { skip }, () => {
  it('refuses a second writer past its wait, lets one in whose holder goes during its wait, and stops writing on a lost lock', async () => {
    const url = await server().createDatabase(undefined, await migrated());
    const wait = (waitMs: number) => ({ maxConnections: 2, timeSeriesLock: { waitMs, retryMs: 50 } });
    const first = await openPostgresStore(url, wait(0));
    await first.timeseries.open();
    const second = await openPostgresStore(url, wait(300));
    await assert.rejects(
      second.timeseries.open(),
      (err) => isStoreError(err, 'busy') && /^another hub writes time series/.test(err.message),
    );
    await second.close();
    // A restart right after a kill: the holder goes while the next writer waits.
    const third = await openPostgresStore(url, wait(10_000));
    const opening = third.timeseries.open();
    await new Promise((r) => setTimeout(r, 300));
    await first.close();
    await opening;
    const lost = new Promise<Error>((r) => third.timeseries.onLost?.(r));
    const admin = await openPostgresStore(url, wait(0));
    await admin.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'outpost-hub ts writer %'",
    );
    assert.match((await lost).message, /lost the time-series lock of this database \(the built-in store\)/);
    await assert.rejects(
      third.unit(async (tx) =>
        tx.samples.add(tx.samples.seriesOf('agent', 'a1', 'cpu', undefined, '%'), 1, 1),
      ),
      (err) => isStoreError(err, 'unavailable') && /^time series are not written/.test(err.message),
    );
    await assert.rejects(third.timeseries.seal(), /time series are not written/);
    await third.close();
    await admin.close();
  });
});
