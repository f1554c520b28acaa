import { after, before } from 'node:test';
import { needPostgres, type RunningPostgres, startPostgres } from '../../../../test/support/postgres.js';
import { runStoreContract } from '../contract/index.js';
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
