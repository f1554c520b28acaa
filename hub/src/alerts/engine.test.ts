import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AgentEvent } from '@outpost/protocol';
import type { HubContext } from '../context.js';
import type { AlertRow } from '../store/alerts.js';
import { storeSamples } from '../store/samples.testing.js';
import { type Alerting, startAlerting } from './alerting.js';
import { DEFAULT_ALERT_SETTINGS } from './settings.js';
import { seedSite, testContext } from './testing.js';

let ctx: HubContext;
let clock: { now: number };
let cleanup: () => Promise<void>;
let alerting: Alerting;

const settings = { ...DEFAULT_ALERT_SETTINGS, summaryAt: '', repeatIntervalS: 600 };

async function start() {
  alerting = await startAlerting(ctx, settings, { timers: false });
}

beforeEach(async () => {
  ({ ctx, clock, cleanup } = await testContext());
  await ctx.store.channels.save(
    null,
    {
      name: 'ops',
      type: 'webhook',
      enabled: true,
      min_severity: 'info',
      daily_summary: false,
      config: { url: 'http://127.0.0.1:9/hook' },
      secret: null,
      routes: [],
    },
    clock.now,
  );
});
afterEach(async () => {
  await alerting?.stop();
  await cleanup();
});

/** Advances the clock and runs one tick (rules, flap settling, notice planning). */
async function advance(ms: number) {
  clock.now += ms;
  await alerting.tick();
}

const notices = async () =>
  (await ctx.store.notifications.list())
    .filter((n) => n.kind !== 'summary')
    .map((n) => ({ alert_id: n.alert_id, kind: n.kind }));
const alerts = async () =>
  (await ctx.store.alerts.list({}, 1, 10_000)).rows.sort((a, b) => a.id - b.id) as AlertRow[];

function deviceDown(deviceId: number, siteId: number, status = 'unreachable') {
  ctx.events.emit('device.status', {
    device_id: deviceId,
    site_id: siteId,
    status,
    previous: 'online',
    ts: clock.now,
  });
}

describe('alert engine', () => {
  it('an offline agent with 20 unreachable devices yields one notified alert, not 21', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'shop',
      devices: 20,
      agentId: 'shop-pi',
    });
    await start();
    ctx.events.emit('agent.status', {
      agent_id: 'shop-pi',
      site_id: siteId,
      state: 'offline',
      reason: 'will',
      ts: clock.now,
    });
    for (const id of deviceIds) deviceDown(id, siteId);
    await advance(1000);
    await advance(1000);
    assert.equal((await alerts()).length, 21, 'every problem is recorded');
    assert.equal((await alerts()).filter((a) => a.suppressed === 1).length, 20);
    assert.match((await alerts())[1]!.suppressed_by!, /agent shop-pi offline/);
    assert.equal((await alerts())[1]!.title, 'Device shop-dev0 (10.0.0.1) unreachable', 'titles carry names');
    assert.deepEqual(await notices(), [{ alert_id: (await alerts())[0]!.id, kind: 'problem' }]);
  });

  it('devices reported down in the same batch before their agent goes offline are still suppressed', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'shop',
      devices: 20,
      agentId: 'shop-pi',
    });
    await start();
    for (const id of deviceIds) deviceDown(id, siteId);
    ctx.events.emit('agent.status', {
      agent_id: 'shop-pi',
      site_id: siteId,
      state: 'offline',
      reason: 'will',
      ts: clock.now,
    });
    await advance(1000);
    assert.equal((await notices()).length, 1);
    const first = (await notices())[0]!;
    assert.equal((await alerts()).find((a) => a.id === first.alert_id)!.rule, 'agent-offline');
  });

  it("a parent device's outage suppresses its children", async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'school',
      devices: 5,
      agentId: 'school-pi',
      parentOfAll: true,
    });
    await start();
    for (const id of [...deviceIds].reverse()) deviceDown(id, siteId); // children reported first
    await advance(1000);
    assert.equal((await notices()).length, 1);
    const first = (await notices())[0]!;
    const notified = (await alerts()).find((a) => a.id === first.alert_id)!;
    assert.equal(notified.device_id, deviceIds[0]);
    assert.equal(
      (await alerts()).filter((a) => a.suppressed_by === `parent device ${deviceIds[0]} unreachable`).length,
      4,
    );
  });

  it('a suppressed alert is notified once its cause is gone but it is still open', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'clinic',
      devices: 1,
      agentId: 'clinic-pi',
    });
    await start();
    ctx.events.emit('agent.status', {
      agent_id: 'clinic-pi',
      site_id: siteId,
      state: 'offline',
      ts: clock.now,
    });
    deviceDown(deviceIds[0]!, siteId);
    await advance(1000);
    ctx.events.emit('agent.status', {
      agent_id: 'clinic-pi',
      site_id: siteId,
      state: 'online',
      ts: clock.now,
    });
    await advance(1000);
    assert.equal((await notices()).filter((n) => n.kind === 'problem').length, 1, 'agent alert only');
    await advance(settings.dependencyGraceMs);
    const device = (await alerts()).find((a) => a.device_id === deviceIds[0])!;
    assert.equal(device.suppressed, 0);
    assert.deepEqual(
      (await notices()).filter((n) => n.alert_id === device.id),
      [{ alert_id: device.id, kind: 'problem' }],
    );
  });

  it('an agent that connects with an empty backlog gets no hold-back: a device down is notified at once', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'kiosk',
      devices: 1,
      agentId: 'kiosk-pi',
    });
    await start();
    ctx.events.emit('agent.status', {
      agent_id: 'kiosk-pi',
      site_id: siteId,
      state: 'offline',
      ts: clock.now,
    });
    await advance(1000);
    ctx.events.emit('agent.status', {
      agent_id: 'kiosk-pi',
      site_id: siteId,
      state: 'online',
      buffered: 0,
      ts: clock.now,
    });
    deviceDown(deviceIds[0]!, siteId);
    await advance(1000);
    const device = (await alerts()).find((a) => a.device_id === deviceIds[0])!;
    assert.equal(device.suppressed, 0, 'not held back');
    assert.deepEqual(
      (await notices()).filter((n) => n.alert_id === device.id),
      [{ alert_id: device.id, kind: 'problem' }],
    );
  });

  it('an agent that connects with buffered rows holds alerts back until it reports an empty backlog', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'depot',
      devices: 1,
      agentId: 'depot-pi',
    });
    await start();
    ctx.events.emit('agent.status', {
      agent_id: 'depot-pi',
      site_id: siteId,
      state: 'offline',
      ts: clock.now,
    });
    await advance(1000);
    const connectedAt = clock.now;
    ctx.events.emit('agent.status', {
      agent_id: 'depot-pi',
      site_id: siteId,
      state: 'online',
      buffered: 1200,
      ts: clock.now,
    });
    deviceDown(deviceIds[0]!, siteId);
    await advance(1000);
    const held = (await alerts()).find((a) => a.device_id === deviceIds[0])!;
    assert.match(held.suppressed_by ?? '', /reconnected less than/);
    ctx.events.emit('agent.buffered', { agent_id: 'depot-pi', site_id: siteId, buffered: 40, ts: clock.now });
    await advance(1000);
    assert.equal((await notices()).filter((n) => n.alert_id === held.id).length, 0, 'still draining');
    ctx.events.emit('agent.buffered', { agent_id: 'depot-pi', site_id: siteId, buffered: 0, ts: clock.now });
    await advance(1000);
    assert.ok(clock.now - connectedAt < settings.dependencyGraceMs, 'well inside the grace period');
    assert.deepEqual(
      (await notices()).filter((n) => n.alert_id === held.id),
      [{ alert_id: held.id, kind: 'problem' }],
    );
  });

  it('repeats update the open alert; clearing resolves it and records when; recovery is notified', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'office',
      devices: 1,
      agentId: 'office-pi',
    });
    await start();
    const id = deviceIds[0]!;
    ctx.events.emit('agent.event', {
      agent_id: 'office-pi',
      site_id: siteId,
      event: {
        type: 'error',
        code: 'snmp_auth',
        message: 'wrong digest',
        device_id: id,
        ts: clock.now,
      } as AgentEvent,
    });
    await advance(1000);
    deviceDown(id, siteId, 'auth_failed');
    ctx.events.emit('agent.event', {
      agent_id: 'office-pi',
      site_id: siteId,
      event: { type: 'buffer_drop', dropped: 5, total_dropped: 5, ts: clock.now } as AgentEvent,
    });
    ctx.events.emit('agent.event', {
      agent_id: 'office-pi',
      site_id: siteId,
      event: { type: 'buffer_drop', dropped: 7, total_dropped: 12, ts: clock.now } as AgentEvent,
    });
    await alerting.idle();
    const drop = (await alerts()).find((a) => a.rule === 'buffer-drop')!;
    assert.equal(drop.count, 2);
    assert.match(drop.message!, /7 rows dropped, 12 in total/);
    await advance(1000);
    const resolvedAt = clock.now + 5000;
    clock.now = resolvedAt;
    deviceDown(id, siteId, 'online');
    await advance(1000);
    const auth = (await alerts()).find((a) => a.rule === 'snmp-auth-failure')!;
    assert.equal(auth.state, 'resolved');
    assert.equal(auth.resolved_at, resolvedAt);
    assert.deepEqual(
      (await notices()).filter((n) => n.alert_id === auth.id).map((n) => n.kind),
      ['problem', 'recovery'],
    );
  });

  it('maintenance: recorded, not notified, and no recovery notice for a problem that began inside', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'branch',
      devices: 1,
      agentId: 'branch-pi',
    });
    await ctx.store.maintenance.insert(
      {
        name: 'switch upgrade',
        scope: { type: 'site', id: siteId },
        schedule: { type: 'once', starts_at: clock.now - 1000, ends_at: clock.now + 3_600_000 },
        enabled: true,
        notes: null,
      },
      null,
      clock.now,
    );
    await ctx.store.alertingState.bumpConfigVersion();
    await start();
    deviceDown(deviceIds[0]!, siteId);
    await advance(60_000);
    const a = (await alerts())[0]!;
    assert.equal(a.state, 'open');
    assert.ok(a.maintenance_id !== null);
    deviceDown(deviceIds[0]!, siteId, 'online');
    await advance(60_000);
    assert.equal((await alerts())[0]!.state, 'resolved');
    assert.deepEqual(await notices(), []);
  });

  it('a problem that outlives its maintenance window is notified when the window ends', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'branch',
      devices: 1,
      agentId: 'branch-pi',
    });
    await ctx.store.maintenance.insert(
      {
        name: 'reboot',
        scope: { type: 'device', id: deviceIds[0]! },
        schedule: { type: 'once', starts_at: clock.now - 1000, ends_at: clock.now + 120_000 },
        enabled: true,
        notes: null,
      },
      null,
      clock.now,
    );
    await start();
    deviceDown(deviceIds[0]!, siteId);
    await advance(60_000);
    assert.equal((await notices()).length, 0);
    await advance(61_000);
    assert.deepEqual(
      (await notices()).map((n) => n.kind),
      ['problem'],
    );
  });

  it('acknowledgement stops repeat notifications until it expires', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'depot',
      devices: 1,
      agentId: 'depot-pi',
    });
    await start();
    deviceDown(deviceIds[0]!, siteId);
    await advance(1000);
    await advance(600_000);
    assert.deepEqual(
      (await notices()).map((n) => n.kind),
      ['problem', 'repeat'],
    );
    const ops = await ctx.store.users.insert(
      { username: 'ops', role: 'operator', password_hash: 'x' },
      clock.now,
    );
    await ctx.store.alerts.acknowledge({ state: 'open' }, ops.id, 'on it', clock.now + 1_800_000, clock.now);
    await advance(600_000);
    await advance(600_000);
    assert.equal((await notices()).length, 2, 'no repeats while acknowledged');
    await advance(700_000);
    assert.deepEqual(
      (await notices()).map((n) => n.kind),
      ['problem', 'repeat', 'repeat'],
      'repeats resume after expiry',
    );
  });

  it('flapping is damped: one flapping notice, then the settled state', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'kiosk',
      devices: 1,
      agentId: 'kiosk-pi',
    });
    await start();
    const id = deviceIds[0]!;
    for (let i = 0; i < 5; i++) {
      deviceDown(id, siteId);
      await advance(30_000);
      deviceDown(id, siteId, 'online');
      await advance(30_000);
    }
    assert.equal((await alerts()).length, 1, 'the same alert reopens instead of new ones');
    const a = (await alerts())[0]!;
    assert.equal(a.flapping, 1);
    assert.equal(a.count, 5);
    const kinds = (await notices()).map((n) => n.kind);
    assert.deepEqual(kinds.slice(-1), ['flapping']);
    assert.ok(kinds.length <= 6, `few notices while flapping: ${kinds.join(',')}`);
    deviceDown(id, siteId);
    await advance(settings.flapWindowMs + 1000);
    await advance(1000);
    assert.equal((await alerts())[0]!.flapping, 0);
    assert.deepEqual((await notices()).map((n) => n.kind).slice(-2), ['flapping', 'problem']);
  });

  it('restores rule state from open alerts after a restart so the alert still resolves', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, { name: 'farm', devices: 1, agentId: 'farm-pi' });
    await start();
    deviceDown(deviceIds[0]!, siteId);
    await advance(1000);
    await alerting.stop();
    await start();
    deviceDown(deviceIds[0]!, siteId, 'online');
    await alerting.idle();
    assert.equal((await alerts())[0]!.state, 'resolved');
  });

  it('disabling a rule resolves its open alerts quietly', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, { name: 'mill', devices: 1, agentId: 'mill-pi' });
    await start();
    deviceDown(deviceIds[0]!, siteId);
    await advance(1000);
    const rule = (await ctx.store.alertRules.list()).find((r) => r.kind === 'device-unreachable')!;
    await ctx.store.alertRules.update(
      rule.id,
      {
        name: rule.name,
        enabled: false,
        severity: rule.severity,
        params: JSON.parse(rule.params),
        description: null,
      },
      clock.now,
    );
    await ctx.store.alertingState.bumpConfigVersion();
    await advance(1000);
    assert.equal((await alerts())[0]!.state, 'resolved');
    assert.deepEqual(
      (await notices()).map((n) => n.kind),
      ['problem'],
    );
  });

  it('a threshold rule added while running applies to its device type, with hysteresis', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, { name: 'dc', devices: 2, agentId: 'dc-pi' });
    await ctx.store.devices.update(deviceIds[0]!, { device_type: 'ups' }, clock.now);
    await start();
    const rule = await ctx.store.alertRules.insert(
      {
        name: 'UPS battery low',
        kind: 'threshold',
        enabled: true,
        severity: 'critical',
        params: {
          metric: 'battery_percent',
          scope: { type: 'device_type', value: 'ups' },
          comparison: '<',
          threshold: 20,
          recovery_threshold: 30,
        },
      },
      null,
      clock.now,
    );
    await ctx.store.alertingState.bumpConfigVersion();
    await advance(1000);
    const batch = (value: number) =>
      ctx.events.emit('samples', {
        agent_id: 'dc-pi',
        site_id: siteId,
        samples: deviceIds.map((id) => ({ device_id: id, metric: 'battery_percent', value, ts: clock.now })),
      });
    batch(15);
    await advance(1000);
    const open = await alerts();
    assert.equal(open.length, 1, 'only the UPS');
    assert.equal(open[0]!.rule, `threshold:${rule.id}`);
    assert.equal(open[0]!.severity, 'critical');
    batch(25);
    await advance(1000);
    assert.equal((await alerts())[0]!.state, 'open', 'inside the hysteresis band');
    batch(31);
    await advance(1000);
    assert.equal((await alerts())[0]!.state, 'resolved');
    assert.deepEqual(
      (await notices()).map((n) => n.kind),
      ['problem', 'recovery'],
    );
  });

  it('every rule reading a metric sees its samples, in a batch mixing metrics; other rules see none', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, { name: 'mix', devices: 2, agentId: 'mix-pi' });
    const threshold = (name: string, metric: string, threshold: number) =>
      ctx.store.alertRules.insert(
        {
          name,
          kind: 'threshold',
          enabled: true,
          severity: 'high',
          params: { metric, scope: { type: 'all' }, comparison: '>', threshold },
        },
        null,
        clock.now,
      );
    const hot = await threshold('CPU hot', 'cpu_percent', 90);
    const warm = await threshold('CPU warm', 'cpu_percent', 50);
    const mem = await threshold('Memory high', 'memory_percent', 95);
    await start();
    const [a, b] = deviceIds as [number, number];
    ctx.events.emit('samples', {
      agent_id: 'mix-pi',
      site_id: siteId,
      samples: [
        { device_id: a, metric: 'memory_percent', value: 40, ts: clock.now },
        { device_id: a, metric: 'cpu_percent', value: 95, ts: clock.now },
        { device_id: b, metric: 'if_in_bps', value: 1e9, ts: clock.now },
        { device_id: b, metric: 'cpu_percent', value: 60, ts: clock.now },
      ],
    });
    await advance(1000);
    const open = (await alerts()).map((r) => `${r.rule} ${r.target_key}`).sort();
    assert.deepEqual(
      open,
      [
        `threshold:${hot.id} device:${a}`,
        `threshold:${warm.id} device:${a}`,
        `threshold:${warm.id} device:${b}`,
      ].sort(),
    );
    assert.ok(!open.some((k) => k.startsWith(`threshold:${mem.id} `)), 'memory stayed below its threshold');
  });

  it('interface-down from interface samples of an up port', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, {
      name: 'shop2',
      devices: 1,
      agentId: 'shop2-pi',
    });
    await start();
    const ifs = (oper: number) =>
      ctx.events.emit('samples', {
        agent_id: 'shop2-pi',
        site_id: siteId,
        samples: ['if_admin_status', 'if_oper_status'].map((metric) => ({
          device_id: deviceIds[0]!,
          metric,
          value: metric === 'if_admin_status' ? 1 : oper,
          ts: clock.now,
          labels: { if_index: '3', if_name: 'Gi0/3' },
        })),
      });
    ifs(1);
    await advance(60_000);
    ifs(2);
    await advance(1000);
    const a = (await alerts())[0]!;
    assert.equal(a.rule, 'interface-down');
    assert.equal(a.target_key, `device:${deviceIds[0]}:if:3`);
    assert.match(a.title, /Gi0\/3/);
  });

  it('notifies manual alerts created through the API like any other', async () => {
    await start();
    const ops = await ctx.store.users.insert(
      { username: 'ops', role: 'operator', password_hash: 'x' },
      clock.now,
    );
    await ctx.store.alerts.insertManual(
      {
        severity: 'medium',
        title: 'Door open',
        message: null,
        device_id: null,
        camera_id: null,
        site_id: null,
        created_by: ops.id,
      },
      clock.now,
    );
    await advance(1000);
    assert.deepEqual(
      (await notices()).map((n) => n.kind),
      ['problem'],
    );
  });
});

describe('link traps without the interface name', () => {
  it('get the name the hub knows from the polls of that interface', async () => {
    const { siteId, deviceIds } = await seedSite(ctx.store, { name: 'shop', devices: 2, agentId: 'shop-pi' });
    const [polled, never] = deviceIds as [number, number];
    await storeSamples(ctx.store, [
      {
        kind: 'device',
        target: String(polled),
        metric: 'if_oper_status',
        labels: { if_index: '12', if_name: 'Gi1/0/12' },
        ts: clock.now - 60_000,
        value: 1,
      },
    ]);
    await start();
    for (const device_id of [polled, never])
      ctx.events.emit('agent.event', {
        agent_id: 'shop-pi',
        site_id: siteId,
        event: {
          type: 'snmp_trap',
          ts: clock.now,
          device_id,
          source: '10.0.0.1',
          version: '2c',
          pdu: 'trap',
          trap_oid: '1.3.6.1.6.3.1.1.5.3',
          varbinds: [
            { oid: '1.3.6.1.2.1.2.2.1.1.12', type: 'INTEGER', value: '12' },
            { oid: '1.3.6.1.2.1.2.2.1.8.12', type: 'INTEGER', value: '2' },
          ],
        } as AgentEvent,
      });
    await alerting.idle();
    assert.deepEqual(
      (await alerts()).map((a) => a.title),
      [
        'Interface Gi1/0/12 down on shop-dev0 (10.0.0.1)',
        'Interface ifIndex 12 down on shop-dev1 (10.0.0.2)',
      ],
    );
  });
});
