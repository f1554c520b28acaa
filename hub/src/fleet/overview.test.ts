import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SiteHealthRow } from '../store/fleet.js';
import { assess, rankSites } from './overview.js';

const sev = (o: Partial<Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>> = {}) => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  info: 0,
  ...o,
});

let nextId = 1;
function site(name: string, o: Partial<SiteHealthRow> = {}): SiteHealthRow {
  return {
    id: nextId++,
    name,
    agents: 1,
    agents_online: 1,
    backlog: 0,
    agents_backlog_growing: 0,
    last_seen: 1,
    devices: 10,
    devices_down: 0,
    devices_auth_failed: 0,
    devices_unknown: 0,
    cameras: 0,
    cameras_down: 0,
    cameras_degraded: 0,
    open: sev(),
    unacknowledged: sev(),
    oldest_problem_at: null,
    ...o,
  };
}

describe('site assessment', () => {
  const cases: { name: string; row: SiteHealthRow; state: string; reasons: string[] }[] = [
    { name: 'all well', row: site('a'), state: 'ok', reasons: [] },
    {
      name: 'nothing there yet',
      row: site('b', { agents: 0, agents_online: 0, devices: 0 }),
      state: 'empty',
      reasons: [],
    },
    {
      name: 'agent offline',
      row: site('c', { agents_online: 0 }),
      state: 'critical',
      reasons: ['agent offline'],
    },
    {
      name: 'two critical alerts, one acknowledged',
      row: site('d', { open: sev({ critical: 2 }), unacknowledged: sev({ critical: 1 }) }),
      state: 'critical',
      reasons: ['2 critical alerts, 1 acknowledged'],
    },
    {
      name: 'devices down, some refusing credentials',
      row: site('e', {
        devices_down: 3,
        devices_auth_failed: 1,
        open: sev({ high: 3 }),
        unacknowledged: sev({ high: 3 }),
      }),
      state: 'problem',
      reasons: ['3 high alerts', '3 of 10 devices down (1 refusing credentials)'],
    },
    {
      name: 'a growing backlog',
      row: site('f', { backlog: 25_000, agents_backlog_growing: 1 }),
      state: 'warning',
      reasons: ['backlog growing (25,000 rows)'],
    },
    {
      name: 'cameras and devices but no agent to poll them',
      row: site('h', { agents: 0, agents_online: 0, devices: 2, cameras: 1 }),
      state: 'warning',
      reasons: ['no agent: nothing polls its 2 devices and 1 camera'],
    },
    {
      name: 'devices not polled yet',
      row: site('g', { devices_unknown: 2 }),
      state: 'warning',
      reasons: ['2 devices not polled yet'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = assess(c.row);
      assert.equal(a.state, c.state);
      assert.deepEqual(a.reasons, c.reasons);
    });
  }
});

describe('site ranking', () => {
  it('puts the worst site first: critical, agent offline, high, down, backlog, the rest, then by name', () => {
    const rows = [
      site('quiet'),
      site('slow link', { backlog: 5000, agents_backlog_growing: 1 }),
      site('ups on battery', { open: sev({ medium: 1 }), unacknowledged: sev({ medium: 1 }) }),
      site('one device down', { devices_down: 1 }),
      site('high alert', { open: sev({ high: 1 }), unacknowledged: sev({ high: 1 }), devices_down: 1 }),
      site('cut off', { agents_online: 0 }),
      site('on fire', { open: sev({ critical: 1, high: 4 }), unacknowledged: sev({ critical: 1, high: 4 }) }),
      site('handled fire', { open: sev({ critical: 1 }), unacknowledged: sev() }),
      site('also quiet'),
    ];
    assert.deepEqual(
      rankSites(rows).map((s) => [s.rank, s.name]),
      [
        [1, 'on fire'],
        [2, 'handled fire'],
        [3, 'cut off'],
        [4, 'high alert'],
        [5, 'one device down'],
        [6, 'slow link'],
        [7, 'ups on battery'],
        [8, 'also quiet'],
        [9, 'quiet'],
      ],
    );
  });

  it('between equally bad sites, the one waiting longest comes first', () => {
    const rows = [
      site('recent', { open: sev({ high: 1 }), unacknowledged: sev({ high: 1 }), oldest_problem_at: 2000 }),
      site('old', { open: sev({ high: 1 }), unacknowledged: sev({ high: 1 }), oldest_problem_at: 1000 }),
    ];
    assert.deepEqual(
      rankSites(rows).map((s) => s.name),
      ['old', 'recent'],
    );
  });

  it('finds the one burning site among 1,000 quiet ones', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => site(`shop-${String(i).padStart(4, '0')}`));
    rows[637] = { ...rows[637]!, devices_down: 4 };
    const ranked = rankSites(rows);
    assert.equal(ranked[0]?.name, 'shop-0637');
    assert.equal(ranked[0]?.state, 'problem');
    assert.equal(ranked[1]?.state, 'ok');
  });
});
