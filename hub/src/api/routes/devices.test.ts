import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { HubEventMap } from '../../events.js';
import { storeSamples } from '../../store/samples.testing.js';
import { createTestHub, type TestHub } from '../testing.js';

const T1 = Date.UTC(2026, 0, 15);

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('devices API', () => {
  let hub: TestHub;
  let events: HubEventMap['inventory.changed'][];
  const op = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, path, { token: hub.tokens.operator, body });
    return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as Json };
  };
  const add = (name: string, extra: Json = {}) =>
    op('POST', '/api/v1/devices', {
      name,
      ip_address: '10.0.0.1',
      site_id: 1,
      snmp: { version: '2c', community: 'public-x' },
      ...extra,
    });

  const visible: Promise<void>[] = [];
  beforeEach(async () => {
    hub = await createTestHub();
    events = [];
    hub.ctx.events.on('inventory.changed', (e) => {
      // Emitted after commit: the row is already visible (the read starts now, while the event is emitted).
      if (e.kind === 'device') {
        visible.push(
          hub.ctx.store.devices.get(e.id).then((row) => assert.equal(Boolean(row), e.change !== 'deleted')),
        );
      }
      events.push(e);
    });
    await op('POST', '/api/v1/sites', { name: 'A' });
    await op('POST', '/api/v1/sites', { name: 'B' });
  });
  afterEach(async () => {
    await Promise.all(visible.splice(0));
    await hub.close();
  });

  it('creates with defaults and the documented fields', async () => {
    const { status, json } = await add('sw1', { device_type: 'switch', vendor: 'Cisco', meta: { rack: 3 } });
    assert.equal(status, 201);
    assert.equal(typeof json.id, 'number');
    assert.equal(json.poll_interval_s, 60);
    assert.equal(json.status, 'unknown');
    assert.equal(json.parent_id, null);
    assert.deepEqual(json.meta, { rack: 3 });
    for (const k of ['last_seen', 'sys_name', 'sys_descr', 'uptime_s']) assert.ok(k in json, k);
    assert.deepEqual(
      events.slice(0, 2).map((e) => `${e.kind} ${e.change}`),
      ['site created', 'site created'],
    );
    assert.deepEqual(events.slice(2), [{ site_id: 1, kind: 'device', id: json.id, change: 'created' }]);
  });

  it('filters, searches, sorts and paginates', async () => {
    await add('zeta', { device_type: 'router' });
    await add('alpha', { site_id: 2, ip_address: '10.9.9.9' });
    await add('mid', { device_type: 'router' });
    const mid = (await hub.ctx.store.devices.list({ q: 'mid' }, 'id', 'asc', 1, 10)).rows[0]!;
    await hub.ctx.store.devices.setState({ id: mid.id, status: 'online', error: null, ts: 1 });
    const names = async (q: string) =>
      ((await op('GET', `/api/v1/devices?${q}`)).json.devices as Json[]).map((d) => d.name);
    assert.deepEqual(await names(''), ['alpha', 'mid', 'zeta']);
    assert.deepEqual(await names('sort=name&order=desc'), ['zeta', 'mid', 'alpha']);
    assert.deepEqual(await names('device_type=router'), ['mid', 'zeta']);
    assert.deepEqual(await names('site_id=2'), ['alpha']);
    assert.deepEqual(await names('status=online'), ['mid']);
    assert.deepEqual(await names('q=10.9'), ['alpha']);
    const page = await op('GET', '/api/v1/devices?per_page=2&page=2');
    assert.deepEqual(page.json.pagination, { page: 2, pages: 2, per_page: 2, total: 3 });
    assert.deepEqual(
      (page.json.devices as Json[]).map((d) => d.name),
      ['zeta'],
    );
    assert.deepEqual((await op('GET', '/api/v1/devices/status')).json, {
      total: 3,
      online: 1,
      offline: 0,
      unreachable: 0,
      auth_failed: 0,
      unknown: 2,
    });
    assert.deepEqual((await op('GET', '/api/v1/devices/status?site_id=2')).json, {
      total: 1,
      online: 0,
      offline: 0,
      unreachable: 0,
      auth_failed: 0,
      unknown: 1,
    });
  });

  it('updates only the given fields and keeps SNMP secrets unless the version family changes', async () => {
    const { json: d } = await add('sw');
    const u = await op('PUT', `/api/v1/devices/${d.id}`, { poll_interval_s: 30, snmp: { port: 1161 } });
    assert.equal(u.status, 200);
    assert.equal(u.json.name, 'sw');
    assert.equal(u.json.poll_interval_s, 30);
    assert.deepEqual(u.json.snmp, {
      version: '2c',
      port: 1161,
      has_community: true,
      has_auth_key: false,
      has_priv_key: false,
    });
    const v3 = await op('PUT', `/api/v1/devices/${d.id}`, {
      snmp: { version: '3', username: 'mon', auth_protocol: 'sha', auth_key: 'authkey-123' },
    });
    assert.equal(v3.status, 200);
    assert.equal(v3.json.snmp.security_level, 'authNoPriv');
    assert.equal(v3.json.snmp.has_community, false, 'the community went with the family change');
    assert.equal(v3.json.snmp.port, 1161);
    const back = await op('PUT', `/api/v1/devices/${d.id}`, { snmp: { version: '2c' } });
    assert.equal(back.status, 400, 'back to v2c needs a community again');
    assert.equal(events.filter((e) => e.change === 'updated').length, 2);
  });

  it('sets and clears a parent, refusing cycles', async () => {
    const { json: a } = await add('core');
    const { json: b } = await add('access');
    assert.equal((await op('PUT', `/api/v1/devices/${b.id}`, { parent_id: a.id })).json.parent_id, a.id);
    const cycle = await op('PUT', `/api/v1/devices/${a.id}`, { parent_id: b.id });
    assert.equal(cycle.status, 422);
    assert.equal(cycle.json.error.details[0].path, 'body.parent_id');
    assert.equal((await op('PUT', `/api/v1/devices/${b.id}`, { parent_id: null })).json.parent_id, null);
  });

  it('deletes (admin) the device and its history, with an event', async () => {
    const { json: d } = await add('gone');
    const ts = hub.ctx.store.series;
    await storeSamples(hub.ctx.store, [
      { kind: 'device', target: String(d.id), metric: 'cpu', ts: T1, value: 1 },
    ]);
    const [series] = await ts.listSeries('device', String(d.id));
    assert.deepEqual(await ts.read(series!.id, { from: 0, to: T1 }), [{ t: T1, v: 1 }]);
    const res = await hub.req('DELETE', `/api/v1/devices/${d.id}`, { token: hub.tokens.admin });
    assert.equal(res.status, 204);
    assert.equal((await op('GET', `/api/v1/devices/${d.id}`)).status, 404);
    assert.deepEqual(await ts.listSeries('device', String(d.id)), []);
    assert.deepEqual(await ts.read(series!.id, { from: 0, to: T1 }), []);
    assert.deepEqual(events.at(-1), { site_id: 1, kind: 'device', id: d.id, change: 'deleted' });
  });

  it('serves metric names and points, raw or averaged, with ISO or epoch-second ranges', async () => {
    const { json: d } = await add('m');
    const t0 = Date.UTC(2026, 0, 15, 11, 0, 0);
    const key = { kind: 'device', target: String(d.id), metric: 'cpu_load', unit: '%' } as const;
    await storeSamples(
      hub.ctx.store,
      Array.from({ length: 6 }, (_, i) => ({ ...key, ts: t0 + i * 60_000, value: i * 10 })),
    );
    const names = await op('GET', `/api/v1/devices/${d.id}/metrics`);
    assert.deepEqual(names.json, { device_id: d.id, metrics: [{ name: 'cpu_load', unit: '%', labels: {} }] });
    const raw = await op('GET', `/api/v1/devices/${d.id}/metrics?name=cpu_load`);
    assert.equal(raw.json.unit, '%');
    assert.equal(raw.json.points.length, 6);
    assert.deepEqual(raw.json.points[1], { t: t0 + 60_000, v: 10 });
    const from = new Date(t0).toISOString();
    const stepped = await op(
      'GET',
      `/api/v1/devices/${d.id}/metrics?name=cpu_load&from=${from}&to=${(t0 + 3_600_000) / 1000}&step=3m`,
    );
    assert.deepEqual(stepped.json.points, [
      { t: t0, v: 10 },
      { t: t0 + 180_000, v: 40 },
    ]);
    assert.equal((await op('GET', `/api/v1/devices/${d.id}/metrics?name=nope`)).status, 404);
    assert.equal(
      (await op('GET', `/api/v1/devices/${d.id}/metrics?name=cpu_load&from=yesterday`)).status,
      400,
    );
  });
});
