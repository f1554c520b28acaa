import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AlertRow } from '../store/alerts.js';
import { startAlerting } from './alerting.js';
import { DEFAULT_ALERT_SETTINGS } from './settings.js';
import { seedSite, testContext } from './testing.js';

const settings = { ...DEFAULT_ALERT_SETTINGS, summaryAt: '' };

it('an engine taking over opens and resolves what changed while none ran, and doubles nothing', async () => {
  const { ctx, clock, cleanup } = await testContext();
  try {
    const { siteId, deviceIds } = await seedSite(ctx.store, { name: 'shop', devices: 3, agentId: 'shop-pi' });
    const [recovers, stays, fails] = deviceIds as [number, number, number];
    const setStatus = (id: number, status: string) =>
      ctx.store.devices.setState({ id, status, error: null, ts: clock.now });
    // The first leader sees two devices go down.
    const first = await startAlerting(ctx, settings, { timers: false });
    for (const id of [recovers, stays]) {
      await setStatus(id, 'unreachable');
      ctx.events.emit('device.status', {
        device_id: id,
        site_id: siteId,
        status: 'unreachable',
        previous: 'online',
        ts: clock.now,
      });
    }
    await first.idle();
    await first.stop();
    const before = (await ctx.store.alerts.list({ state: 'open' }, 1, 100)).rows as AlertRow[];
    assert.deepEqual(before.map((a) => a.device_id).sort(), [recovers, stays].sort());

    // No engine runs (the leader died): one device recovers, another fails, the agent goes offline.
    clock.now += 5000;
    await setStatus(recovers, 'online');
    await setStatus(fails, 'unreachable');
    await ctx.store.agents.updateStatus('shop-pi', {
      status: 'offline',
      reason: 'will',
      last_seen: clock.now,
    });

    const next = await startAlerting(ctx, settings, { timers: false, replayState: true });
    await next.idle();
    await next.stop();
    const open = (await ctx.store.alerts.list({ state: 'open' }, 1, 100)).rows as AlertRow[];
    const all = (await ctx.store.alerts.list({}, 1, 100)).rows as AlertRow[];
    const forDevice = (id: number) => all.filter((a) => a.device_id === id);
    assert.equal(forDevice(recovers).length, 1);
    assert.equal(forDevice(recovers)[0]?.state, 'resolved', 'the recovery no engine saw resolves its alert');
    assert.deepEqual(
      forDevice(stays).map((a) => a.id),
      before.filter((a) => a.device_id === stays).map((a) => a.id),
      'the alert still true is the same one, not a second',
    );
    assert.equal(forDevice(fails).length, 1, 'the failure no engine saw opens one alert');
    assert.ok(
      open.some((a) => a.rule === 'agent-offline' && a.agent_id === 'shop-pi'),
      'the agent that went offline meanwhile has its alert',
    );
  } finally {
    await cleanup();
  }
});
