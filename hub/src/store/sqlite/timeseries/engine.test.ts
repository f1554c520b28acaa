import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { runTimeSeriesContract, type TimeSeriesHandle } from '../../timeseries/contract.js';
import type { HeadPolicy } from '../../timeseries/head.js';
import { openDatabase } from '../database.js';
import { SqliteTimeSeries } from './engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-ts-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

function handle(file: string, policy: HeadPolicy, clock: () => number): TimeSeriesHandle {
  const db = openDatabase(file);
  const store = new SqliteTimeSeries(db, { policy, clock, sealSeriesPerTransaction: 2 });
  return {
    store,
    async transact(fn) {
      db.transaction(fn)();
    },
    async transactWithSavepoint(outer, inner, after) {
      db.transaction(() => {
        outer();
        try {
          db.transaction(inner)();
        } catch {
          // the savepoint rolled back alone
        }
        after();
      })();
    },
    reopen() {
      // A new process on the same file: the old connection is dropped without close() (as by kill -9).
      const again = handle(file, policy, clock);
      db.close();
      return again;
    },
    dispose() {
      db.close();
    },
  };
}

runTimeSeriesContract('sqlite', {
  create: ({ policy, clock }) => handle(path.join(dir, `ts-${++n}.db`), policy, clock),
});
