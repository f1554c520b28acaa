import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  addAgent,
  addSite,
  addUser,
  cameraRecord,
  deviceRecord,
  type StoreFactory,
  T0,
  withStore,
} from './fixtures.js';

export function fleetContract(factory: StoreFactory): void {
  it("counts each site's agents, devices, cameras and open alerts (an alert without a site by its device's)", async () => {
    await withStore(factory, async (store) => {
      const ops = await addUser(store, 'ops', 'operator');
      const a = await addSite(store, 'shop-a');
      const b = await addSite(store, 'shop-b');
      await addAgent(store, 'agent-a', a.id);
      await store.agents.updateStatus('agent-a', { status: 'online', last_seen: T0 + 5, backlog: 50 });
      await store.agents.updateStatus('agent-a', { status: 'online', last_seen: T0 + 9, backlog: 900 });
      const down = await store.devices.insert(deviceRecord(a.id, 'down'), T0);
      await store.devices.setState({ id: down.id, status: 'unreachable', error: 'timeout', ts: T0 });
      await store.devices.insert(deviceRecord(a.id, 'new'), T0);
      const cam = await store.cameras.insert(cameraRecord(b.id, 'cam'), T0);
      await store.cameras.setState({ id: cam.id, status: 'degraded', reason: '5 fps', ts: T0 });
      await store.alerts.insertManual(
        {
          severity: 'high',
          title: 'no site, its device is in a',
          message: null,
          device_id: down.id,
          camera_id: null,
          site_id: null,
          created_by: ops.id,
        },
        T0 + 1,
      );
      const crit = await store.alerts.insertManual(
        {
          severity: 'critical',
          title: 'in b',
          message: null,
          device_id: null,
          camera_id: null,
          site_id: b.id,
          created_by: ops.id,
        },
        T0 + 2,
      );
      await store.alerts.acknowledge({ ids: [crit.id] }, ops.id, null, T0 + 100, T0 + 3);
      const rows = await store.fleet.siteHealth(T0 + 50, 100);
      const ra = rows.find((r) => r.id === a.id);
      const rb = rows.find((r) => r.id === b.id);
      assert.deepEqual(
        ra && {
          agents: ra.agents,
          online: ra.agents_online,
          backlog: ra.backlog,
          growing: ra.agents_backlog_growing,
          last_seen: ra.last_seen,
          devices: ra.devices,
          down: ra.devices_down,
          unknown: ra.devices_unknown,
          high: ra.open.high,
          oldest: ra.oldest_problem_at,
        },
        {
          agents: 1,
          online: 1,
          backlog: 900,
          growing: 1,
          last_seen: T0 + 9,
          devices: 2,
          down: 1,
          unknown: 1,
          high: 1,
          oldest: T0 + 1,
        },
      );
      assert.deepEqual(
        rb && {
          cameras: rb.cameras,
          degraded: rb.cameras_degraded,
          critical: rb.open.critical,
          unacked: rb.unacknowledged.critical,
        },
        { cameras: 1, degraded: 1, critical: 1, unacked: 0 },
        'acknowledged until after now',
      );
      const later = (await store.fleet.siteHealth(T0 + 200, 100)).find((r) => r.id === b.id);
      assert.equal(later?.unacknowledged.critical, 1, 'the acknowledgement expired');
    });
  });

  it('searches sites, devices (name, address, MAC in any notation), cameras and alerts, case-insensitively and literally', async () => {
    await withStore(factory, async (store) => {
      const ops = await addUser(store, 'ops', 'operator');
      const s = await addSite(store, 'North-Shop');
      await store.devices.insert(
        deviceRecord(s.id, 'Core-SW', { ip_address: '10.9.8.7', mac_address: '00:1a:2b:3c:4d:5e' }),
        T0,
      );
      await store.devices.insert(deviceRecord(s.id, 'edge_100%', { ip_address: '10.9.8.8' }), T0);
      await store.cameras.insert(cameraRecord(s.id, 'Dock cam', { location: 'north dock' }), T0);
      await store.alerts.insertManual(
        {
          severity: 'low',
          title: 'core uplink flaps',
          message: null,
          device_id: null,
          camera_id: null,
          site_id: s.id,
          created_by: ops.id,
        },
        T0,
      );
      const r = await store.fleet.search({ text: 'CORE', limit: 5 });
      assert.deepEqual(
        r.devices.map((d) => [d.title, d.matched]),
        [['Core-SW', 'name']],
      );
      assert.deepEqual(
        r.alerts.map((a) => a.title),
        ['core uplink flaps'],
      );
      assert.deepEqual(
        (await store.fleet.search({ text: 'north', limit: 5 })).sites.map((x) => x.title),
        ['North-Shop'],
      );
      assert.deepEqual(
        (await store.fleet.search({ text: 'NORTH D', limit: 5 })).cameras.map((x) => x.title),
        ['Dock cam'],
      );
      const mac = await store.fleet.search({ text: '3c-4d', macHex: '3c4d', limit: 5 });
      assert.deepEqual(
        mac.devices.map((d) => [d.title, d.matched]),
        [['Core-SW', 'mac_address']],
      );
      assert.deepEqual(
        (await store.fleet.search({ text: '0%', limit: 5 })).devices.map((d) => d.title),
        ['edge_100%'],
      );
      assert.deepEqual(
        (await store.fleet.search({ text: 'e_1', limit: 5 })).devices.map((d) => d.title),
        ['edge_100%'],
      );
      assert.equal((await store.fleet.search({ text: 'e%1', limit: 5 })).devices.length, 0, '% is literal');
      const one = await store.fleet.search({ text: '10.9.8', limit: 1 });
      assert.equal(one.devices.length, 1);
      assert.deepEqual(one.more, ['device']);
      const listed = await store.devices.list({ q: '3C4D5E' }, 'name', 'asc', 1, 50);
      assert.deepEqual(
        listed.rows.map((d) => d.name),
        ['Core-SW'],
        'the device list finds a MAC without colons',
      );
    });
  });
}
