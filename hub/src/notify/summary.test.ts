import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { seedSite, testContext } from '../alerts/testing.js';
import type { HubContext } from '../context.js';
import { buildSummary, localDate, maybeSendSummary, summaryDue } from './summary.js';

const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('daily summary schedule', () => {
  const table: { name: string; now: string; at: string; tz: string; last?: string; due: boolean }[] = [
    { name: 'before the time', now: '2026-11-22T07:59:00', at: '08:00', tz: 'UTC', due: false },
    { name: 'at the time', now: '2026-11-22T08:00:00', at: '08:00', tz: 'UTC', due: true },
    {
      name: 'later the same day, not yet sent (hub was down at 08:00)',
      now: '2026-11-22T15:00:00',
      at: '08:00',
      tz: 'UTC',
      due: true,
    },
    {
      name: 'already sent today',
      now: '2026-11-22T15:00:00',
      at: '08:00',
      tz: 'UTC',
      last: '2026-11-22',
      due: false,
    },
    {
      name: 'sent yesterday',
      now: '2026-11-22T08:01:00',
      at: '08:00',
      tz: 'UTC',
      last: '2026-11-21',
      due: true,
    },
    {
      name: 'in the configured zone (Tokyo is UTC+9)',
      now: '2026-11-21T23:30:00',
      at: '08:00',
      tz: 'Asia/Tokyo',
      due: true,
    },
    { name: 'disabled', now: '2026-11-22T08:00:00', at: '', tz: 'UTC', due: false },
  ];
  for (const c of table) {
    it(c.name, () => assert.equal(summaryDue(utc(c.now), c.at, c.tz, c.last), c.due));
  }
  it('dates days in the configured zone', () => {
    assert.equal(localDate(utc('2026-11-21T23:30:00'), 'Asia/Tokyo'), '2026-11-22');
  });
});

describe('daily summary content and sending', () => {
  let ctx: HubContext;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ ctx, cleanup } = await testContext(utc('2026-11-22T09:00:00')));
  });
  afterEach(() => cleanup());

  it('counts open alerts by severity, the last day, devices by status; sends once per day to opted-in channels', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, { name: 's', devices: 3 });
    const now = ctx.clock();
    await ctx.store.devices.setState({ id: deviceIds[0]!, status: 'unreachable', error: null, ts: now });
    const alerts = ctx.store.alerts;
    const base = {
      rule_id: null,
      message: null,
      ts: now - 3600_000,
      opened_at: now - 3600_000,
      suppressed_by: null,
      maintenance_id: null,
      transitions: [],
      flapping: false,
    };
    await alerts.insert({
      ...base,
      rule: 'device-unreachable',
      target: { key: `device:${deviceIds[0]}`, device_id: deviceIds[0], site_id: siteId },
      severity: 'high',
      title: 'Device down',
    });
    const gone = await alerts.insert({
      ...base,
      rule: 'device-unreachable',
      target: { key: `device:${deviceIds[1]}`, device_id: deviceIds[1], site_id: siteId },
      severity: 'high',
      title: 'Device flaky',
    });
    await alerts.resolve(gone.id, now - 60_000, [], false, false);
    const m = await buildSummary(ctx.store, now);
    assert.equal(m.title, '[Outpost] Daily summary: 1 open alert');
    assert.match(m.text, /Open alerts: 1 \(high 1\), 1 not acknowledged/);
    assert.match(m.text, /Last 24 h: 2 opened, 1 resolved/);
    assert.match(m.text, /Devices: online 2, unreachable 1/);

    const channel = (name: string, daily: boolean) =>
      ctx.store.channels.save(
        null,
        {
          name,
          type: 'webhook',
          enabled: true,
          min_severity: 'info',
          daily_summary: daily,
          config: {},
          secret: null,
          routes: [],
        },
        now,
      );
    const wants = await channel('wants', true);
    await channel('opted-out', false);
    const sent = async () =>
      (await ctx.store.notifications.list({ kind: 'summary' })).map((r) => [r.channel_id, r.kind]);
    assert.equal(await maybeSendSummary(ctx.store, now, '08:00', 'UTC'), 1);
    assert.equal(await maybeSendSummary(ctx.store, now + 3600_000, '08:00', 'UTC'), 0);
    assert.deepEqual(await sent(), [[wants, 'summary']]);
    const payload = JSON.parse((await ctx.store.notifications.list({ kind: 'summary' }))[0]!.payload);
    assert.equal(payload.title, m.title);
    assert.equal(await maybeSendSummary(ctx.store, now + 86_400_000, '08:00', 'UTC'), 1, 'next day');
    assert.equal((await sent()).length, 2);
  });
});
