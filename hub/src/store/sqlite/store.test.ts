import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runStoreContract } from '../contract/index.js';
import type { HubStore } from '../port.js';
import { openSqliteStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const files = new WeakMap<HubStore, string>();

runStoreContract('sqlite', {
  async create() {
    const file = join(dir, `hub-${++n}.db`);
    const store = openSqliteStore(file);
    files.set(store, file);
    return store;
  },
  async reopen(store) {
    const file = files.get(store);
    if (!file) throw new Error('unknown store');
    await store.close();
    const again = openSqliteStore(file);
    files.set(again, file);
    return again;
  },
});
