import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeWindow, MaintenanceSchedule, type MaintenanceWindow, scheduleActive } from './maintenance.js';

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('maintenance windows', () => {
  const weekly = (days: number[], start: string, end: string, timezone = 'UTC') =>
    MaintenanceSchedule.parse({ type: 'weekly', days, start, end, timezone });
  const table: { name: string; schedule: MaintenanceSchedule; at: string; active: boolean }[] = [
    {
      name: 'once: inside',
      schedule: { type: 'once', starts_at: utc('2026-11-22T01:00:00'), ends_at: utc('2026-11-22T03:00:00') },
      at: '2026-11-22T02:00:00',
      active: true,
    },
    {
      name: 'once: end is exclusive',
      schedule: { type: 'once', starts_at: utc('2026-11-22T01:00:00'), ends_at: utc('2026-11-22T03:00:00') },
      at: '2026-11-22T03:00:00',
      active: false,
    },
    // 2026-11-22 is a Sunday.
    {
      name: 'weekly: Sunday 01:00-05:00 on a Sunday at 02:00',
      schedule: weekly([0], '01:00', '05:00'),
      at: '2026-11-22T02:00:00',
      active: true,
    },
    {
      name: 'weekly: not on Monday',
      schedule: weekly([0], '01:00', '05:00'),
      at: '2026-11-23T02:00:00',
      active: false,
    },
    {
      name: 'weekly: across midnight, Saturday 22:00-02:00 covers Sunday 01:00',
      schedule: weekly([6], '22:00', '02:00'),
      at: '2026-11-22T01:00:00',
      active: true,
    },
    {
      name: 'weekly: across midnight, not Sunday 22:30',
      schedule: weekly([6], '22:00', '02:00'),
      at: '2026-11-22T22:30:00',
      active: false,
    },
    {
      name: 'weekly: in the window time zone (Paris is UTC+1 in November)',
      schedule: weekly([0], '03:00', '04:00', 'Europe/Paris'),
      at: '2026-11-22T02:30:00',
      active: true,
    },
  ];
  for (const c of table) {
    it(c.name, () => assert.equal(scheduleActive(c.schedule, utc(c.at)), c.active));
  }

  it('matches windows by scope', () => {
    const w = (id: number, scope: MaintenanceWindow['scope']): MaintenanceWindow => ({
      id,
      name: `w${id}`,
      scope,
      enabled: true,
      schedule: { type: 'once', starts_at: 1, ends_at: utc('2100-01-01T00:00:00') },
    });
    const windows = [w(1, { type: 'site', id: 2 }), w(2, { type: 'device', id: 9 })];
    const now = utc('2026-11-22T00:00:00');
    assert.equal(activeWindow(windows, { site_id: 2, device_id: 1 }, now)?.id, 1);
    assert.equal(activeWindow(windows, { site_id: 1, device_id: 9 }, now)?.id, 2);
    assert.equal(activeWindow(windows, { site_id: 1, camera_id: 9 }, now), undefined);
  });

  it('rejects malformed schedules with the field named', () => {
    const r = MaintenanceSchedule.safeParse({ type: 'weekly', days: [7], start: '25:00', end: '01:00' });
    assert.equal(r.success, false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    assert.ok(paths.includes('days.0') && paths.includes('start'), paths.join(','));
  });
});
