import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
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
// Migrating a new file for every case is most of a case's time: copy one migrated (and closed) file instead.
let template: Promise<string> | undefined;
const migrated = () => {
  template ??= (async () => {
    const file = join(dir, 'template.db');
    await openSqliteStore(file).close();
    return file;
  })();
  return template;
};

runStoreContract('sqlite', {
  async create() {
    const file = join(dir, `hub-${++n}.db`);
    copyFileSync(await migrated(), file);
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
