import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deviceRecord, T0 } from '../store/contract/fixtures.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import { type CheckEmit, type CheckStateInput, statusFromChecks, storeCheckState } from './check-state.js';

describe('a device status from its checks', () => {
  const c = (name: string, status: string, enabled = true, status_error: string | null = null) => ({
    name,
    status,
    enabled,
    status_error,
  });
  const cases: [string, ReturnType<typeof c>[], string, string | null][] = [
    ['no checks', [], 'unknown', null],
    ['none has run yet', [c('ping', 'unknown')], 'unknown', null],
    ['one up of two', [c('ping', 'up'), c('web', 'down', true, 'timeout')], 'online', null],
    [
      'all that ran are down',
      [c('ping', 'down', true, 'no reply'), c('web', 'down', true, 'refused'), c('dns', 'unknown')],
      'unreachable',
      'ping: no reply; web: refused',
    ],
    [
      'a disabled check that is up does not count',
      [c('ping', 'up', false), c('web', 'down')],
      'unreachable',
      'web: down',
    ],
  ];
  for (const [what, checks, status, error] of cases) {
    it(`${what}: ${status}`, () => assert.deepEqual(statusFromChecks(checks), { status, error }));
  }
});

describe('storing check runs', () => {
  let store: SqliteStore;
  let site = 0;
  let isp = 0;
  let sw = 0;
  let ping = 0;
  let web = 0;
  let ssh = 0;
  before(async () => {
    store = openSqliteStore(':memory:');
    site = (await store.sites.insert({ name: 's' }, T0)).id;
    isp = (await store.devices.insert(deviceRecord(site, 'isp', { snmp_json: 'null' }), T0)).id;
    sw = (await store.devices.insert(deviceRecord(site, 'sw'), T0)).id;
    const add = async (device_id: number, name: string) =>
      (
        await store.checks.insert(
          {
            device_id,
            name,
            kind: 'icmp',
            interval_s: 60,
            timeout_ms: 5000,
            params: '{"host":"192.0.2.1"}',
            enabled: true,
          },
          T0,
        )
      ).id;
    ping = await add(isp, 'ping');
    web = await add(isp, 'web');
    ssh = await add(sw, 'ssh');
  });
  after(() => store.close());

  /** Stores one run in a unit; returns what it announced, how many events it kept, and whether it was accepted. */
  async function run(e: Omit<CheckStateInput, 'type' | 'kind'>) {
    const emits: CheckEmit[] = [];
    let recorded = 0;
    const ok = await store.unit((tx) =>
      storeCheckState(
        tx,
        { type: 'check_state', kind: 'icmp', ...e },
        site,
        async () => void recorded++,
        emits,
      ),
    );
    return { ok, recorded, emits: emits.map(([name, p]) => `${name} ${p.status}<-${p.previous}`) };
  }

  it('announces and keeps the first report; a device without SNMP comes online with it', async () => {
    const r = await run({ check_id: ping, device_id: isp, status: 'up', ts: T0 + 1000, response_ms: 3 });
    assert.deepEqual(r, {
      ok: true,
      recorded: 1,
      emits: ['check.status up<-unknown', 'device.status online<-unknown'],
    });
    assert.equal((await store.devices.get(isp))?.status, 'online');
    assert.equal((await store.checks.get(ping))?.response_ms, 3);
  });

  it('keeps nothing and announces nothing while the status stays the same', async () => {
    const r = await run({ check_id: ping, device_id: isp, status: 'up', ts: T0 + 2000, response_ms: 4 });
    assert.deepEqual(r, { ok: true, recorded: 0, emits: [] });
    assert.equal((await store.checks.get(ping))?.last_run_at, T0 + 2000, 'the state still moves');
  });

  it('turns the device unreachable when every check that ran is down, naming them', async () => {
    assert.deepEqual(
      (await run({ check_id: web, device_id: isp, status: 'down', error: 'refused', ts: T0 + 3000 })).emits,
      ['check.status down<-unknown'],
    );
    const r = await run({ check_id: ping, device_id: isp, status: 'down', error: 'no reply', ts: T0 + 4000 });
    assert.deepEqual(r.emits, ['check.status down<-up', 'device.status unreachable<-online']);
    const d = await store.devices.get(isp);
    assert.equal(d?.status, 'unreachable');
    assert.equal(d?.status_error, 'ping: no reply; web: refused');
  });

  it('ignores a report older than the last one (a buffered run arriving late)', async () => {
    const r = await run({ check_id: ping, device_id: isp, status: 'up', ts: T0 + 3500 });
    assert.deepEqual(r, { ok: true, recorded: 0, emits: [] });
    assert.equal((await store.checks.get(ping))?.status, 'down');
  });

  it('leaves the status of an SNMP device to its polls', async () => {
    const r = await run({ check_id: ssh, device_id: sw, status: 'down', error: 'refused', ts: T0 + 5000 });
    assert.deepEqual(r.emits, ['check.status down<-unknown']);
    assert.equal((await store.devices.get(sw))?.status, 'unknown');
  });

  it('refuses a report that puts a check on another device, and skips one of a deleted check', async () => {
    assert.equal((await run({ check_id: ssh, device_id: isp, status: 'up', ts: T0 + 6000 })).ok, false);
    assert.equal((await store.checks.get(ssh))?.status, 'down');
    assert.deepEqual(await run({ check_id: 99999, device_id: isp, status: 'up', ts: T0 + 6000 }), {
      ok: true,
      recorded: 0,
      emits: [],
    });
  });
});
