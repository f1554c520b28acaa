import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockHolder } from './advisory-lock.js';
import { timeSeriesRefusal } from './time-series-lock.js';

const writer = (pid: number): LockHolder => ({
  pid,
  mode: 'exclusive',
  application: `outpost-hub ts writer hub-1:${pid}`,
  address: '10.0.0.5',
  since: Date.UTC(2026, 10, 30, 5, 0, 0),
});
const tsdbHub = (pid: number): LockHolder => ({
  pid,
  mode: 'shared',
  application: `outpost-hub tsdb hub hub-${pid}:1`,
  address: null,
  since: null,
});

describe('timeSeriesRefusal', () => {
  const cases: [string, Parameters<typeof timeSeriesRefusal>[0], LockHolder[], string][] = [
    [
      'a writer beside a writer',
      'writer',
      [writer(41)],
      `another hub writes time series to this database's built-in store (held by backend pid 41 "outpost-hub ts writer hub-1:41" from 10.0.0.5 since 2026-11-30T05:00:00Z); several hubs on one database need tsdbUrl (docs/tsdb.md), or stop the other hub`,
    ],
    [
      'a writer beside TSDB hubs, at most three named',
      'writer',
      [1, 2, 3, 4, 5].map(tsdbHub),
      'hubs that keep time series in a TSDB (tsdbUrl) run on this database (held by backend pid 1 "outpost-hub tsdb hub hub-1:1"; backend pid 2 "outpost-hub tsdb hub hub-2:1"; backend pid 3 "outpost-hub tsdb hub hub-3:1"; and 2 more); give this hub the same tsdbUrl (docs/scaling-out.md), or stop them',
    ],
    [
      'a TSDB hub beside a writer',
      'tsdb',
      [{ ...writer(7), application: '', address: null, since: null }],
      "a hub without tsdbUrl writes time series to this database's built-in store (held by backend pid 7); every hub on one database needs the same tsdbUrl (docs/scaling-out.md): set it on that hub too, or stop it",
    ],
    [
      'a holder gone by the time it was looked up',
      'writer',
      [],
      'the time-series lock of this database stayed taken for 3 s and its holder is gone now; start again',
    ],
  ];
  for (const [name, role, holders, message] of cases)
    it(name, () => assert.equal(timeSeriesRefusal(role, holders), message));
});
