import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeSamples } from '../../store/samples.testing.js';
import { sqliteDb } from '../../store/sqlite/inspect.testing.js';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('fleet API: overview, search, rule preview', () => {
  let hub: TestHub;
  const as = async (role: 'viewer' | 'operator' | 'admin', method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, path, { token: hub.tokens[role], body });
    return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as Json };
  };
  const ids: Record<string, number> = {};

  before(async () => {
    hub = await createTestHub();
    const { store } = hub.ctx;
    for (const name of ['Quiet shop', 'Burning clinic', 'Cut-off school', 'Slow depot', 'Empty lot']) {
      ids[name] = (await as('operator', 'POST', '/api/v1/sites', { name })).json.id;
    }
    const device = async (name: string, site: string, ip: string, extra: Json = {}) =>
      (
        await as('operator', 'POST', '/api/v1/devices', {
          name,
          ip_address: ip,
          site_id: ids[site],
          snmp: { version: '2c', community: 'c0mmunity' },
          ...extra,
        })
      ).json.id as number;
    ids.quietSw = await device('quiet-sw', 'Quiet shop', '10.1.0.1', { mac_address: '00-1A-2B-3C-4D-5E' });
    ids.clinicSw = await device('clinic-core', 'Burning clinic', '10.2.0.1');
    ids.clinicAp = await device('clinic-ap', 'Burning clinic', '10.2.0.2');
    ids.schoolSw = await device('school-sw', 'Cut-off school', '10.3.0.1');
    ids.depotSw = await device('depot-sw', 'Slow depot', '10.4.0.1');
    const state = (id: number, status: string, sysName?: string) =>
      store.devices.setState({
        id,
        status,
        error: null,
        ts: 1000,
        ...(sysName ? { sys: { name: sysName } } : {}),
      });
    await state(ids.quietSw, 'online', 'QUIET-SW.example.net');
    await state(ids.clinicAp, 'unreachable');
    await state(ids.clinicSw, 'auth_failed');
    await state(ids.schoolSw, 'online');
    await state(ids.depotSw, 'online');
    const agent = async (
      id: string,
      site: number,
      status: 'online' | 'offline',
      backlog: number,
      previous: number,
      lastSeen: number,
    ) => {
      await store.agents.create({
        id,
        site_id: site,
        hostname: null,
        version: null,
        secret_hash: 'x',
        created_at: 1,
      });
      // Two reports: the second's backlog is current, the first's becomes backlog_previous.
      await store.agents.updateStatus(id, { status, backlog: previous, last_seen: lastSeen });
      await store.agents.updateStatus(id, { status, backlog, last_seen: lastSeen });
    };
    await agent('quiet-pi', ids['Quiet shop']!, 'online', 0, 0, 1000);
    await agent('clinic-pi', ids['Burning clinic']!, 'online', 10, 5, 1000);
    await agent('school-pi', ids['Cut-off school']!, 'offline', 0, 0, 500);
    await agent('depot-pi', ids['Slow depot']!, 'online', 50_000, 20_000, 1000);
    await as('operator', 'POST', '/api/v1/cameras', {
      name: 'clinic-lobby',
      rtsp_url: 'rtsp://192.0.2.50:554/stream1',
      site_id: ids['Burning clinic'],
      location: 'Reception desk',
    });
    await as('operator', 'POST', '/api/v1/alerts', {
      severity: 'critical',
      title: 'Clinic core switch refuses SNMP',
      device_id: ids.clinicSw,
    });
    await as('operator', 'POST', '/api/v1/alerts', {
      severity: 'high',
      title: 'Clinic AP down',
      device_id: ids.clinicAp,
    });
  });
  after(() => hub.close());

  it('ranks sites worst first, with reasons, state and a compact grid of every site', async () => {
    const r = await as('viewer', 'GET', '/api/v1/overview');
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(
      r.json.sites.map((s: Json) => [s.name, s.state]),
      [
        ['Burning clinic', 'critical'],
        ['Cut-off school', 'critical'],
        ['Slow depot', 'warning'],
        ['Empty lot', 'empty'],
        ['Quiet shop', 'ok'],
      ],
    );
    const clinic = r.json.sites[0];
    assert.deepEqual(clinic.reasons, [
      '1 critical alert',
      '1 high alert',
      '2 of 2 devices down (1 refusing credentials)',
    ]);
    assert.equal(clinic.open.critical, 1);
    assert.equal(clinic.unacknowledged.high, 1);
    assert.equal(r.json.sites[1].agent_offline, true);
    assert.equal(r.json.sites[2].backlog_growing, true);
    assert.equal(r.json.totals.sites, 5);
    assert.deepEqual(r.json.totals.by_state, { critical: 2, problem: 0, warning: 1, ok: 1, empty: 1 });
    assert.equal(r.json.totals.devices_down, 2);
    assert.equal(r.json.grid.length, 5);
    assert.deepEqual(r.json.grid[0], {
      id: ids['Burning clinic'],
      name: 'Burning clinic',
      state: 'critical',
      reason: '1 critical alert',
    });
  });

  it('pages the ranked list and filters it by state; the grid still holds every site', async () => {
    const page2 = await as('viewer', 'GET', '/api/v1/overview?per_page=2&page=2');
    assert.deepEqual(
      page2.json.sites.map((s: Json) => s.name),
      ['Slow depot', 'Empty lot'],
    );
    assert.deepEqual(page2.json.pagination, { page: 2, pages: 3, per_page: 2, total: 5 });
    const critical = await as('viewer', 'GET', '/api/v1/overview?state=critical');
    assert.deepEqual(
      critical.json.sites.map((s: Json) => s.name),
      ['Burning clinic', 'Cut-off school'],
    );
    assert.equal(critical.json.grid.length, 5);
    const one = await as('viewer', 'GET', `/api/v1/overview?site_id=${ids['Slow depot']}&grid=false`);
    assert.deepEqual(
      one.json.sites.map((s: Json) => [s.name, s.rank]),
      [['Slow depot', 3]],
    );
    assert.deepEqual(one.json.grid, []);
    const bad = await as('viewer', 'GET', '/api/v1/overview?state=on-fire');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.json), /query\.state/);
  });

  it('acknowledging the critical alert moves the site below one with an unacknowledged one', async () => {
    const alerts = (await as('viewer', 'GET', '/api/v1/alerts?severity=critical')).json.alerts;
    await as('operator', 'POST', '/api/v1/alerts', {
      severity: 'critical',
      title: 'School fire alarm',
      site_id: ids['Cut-off school'],
    });
    await as('operator', 'POST', `/api/v1/alerts/${alerts[0].id}/acknowledge`, { note: 'on it' });
    const r = await as('viewer', 'GET', '/api/v1/overview');
    assert.deepEqual(
      r.json.sites.slice(0, 2).map((s: Json) => s.name),
      ['Cut-off school', 'Burning clinic'],
    );
    assert.equal(r.json.sites[1].reasons[0], '1 critical alert, all acknowledged');
  });

  it('finds devices by name, IP, sysName and MAC in any notation, and says what matched', async () => {
    const hits = async (q: string) =>
      (await as('viewer', 'GET', `/api/v1/search?q=${encodeURIComponent(q)}`)).json;
    const cases: [string, string][] = [
      ['quiet-s', 'name'],
      ['10.1.0', 'ip_address'],
      ['example.net', 'sys_name'],
      ['00:1a:2b:3c', 'mac_address'],
      ['001A.2B3C.4D5E', 'mac_address'],
      ['3c4d5e', 'mac_address'],
    ];
    for (const [q, matched] of cases) {
      const r = await hits(q);
      assert.deepEqual(
        r.devices.map((d: Json) => [d.title, d.matched]),
        [['quiet-sw', matched]],
        q,
      );
    }
    const clinic = await hits('clinic');
    assert.deepEqual(
      clinic.sites.map((s: Json) => s.title),
      ['Burning clinic'],
    );
    assert.deepEqual(
      clinic.devices.map((d: Json) => d.title),
      ['clinic-ap', 'clinic-core'],
    );
    assert.deepEqual(
      clinic.cameras.map((c: Json) => c.title),
      ['clinic-lobby'],
    );
    assert.deepEqual(
      clinic.alerts.map((a: Json) => [a.title, a.severity, a.state]),
      [
        ['Clinic AP down', 'high', 'open'],
        ['Clinic core switch refuses SNMP', 'critical', 'open'],
      ],
    );
    assert.equal((await hits('reception')).cameras[0]?.matched, 'location');
    assert.deepEqual((await hits('100%')).devices, [], 'LIKE wildcards are literal');
  });

  it('limits hits per kind and says which kinds have more', async () => {
    const r = await as('viewer', 'GET', '/api/v1/search?q=sw&limit=1');
    assert.equal(r.json.devices.length, 1);
    assert.deepEqual(r.json.more, ['device']);
  });

  it('refuses a search shorter than 2 characters, naming the field', async () => {
    const r = await as('viewer', 'GET', '/api/v1/search?q=a');
    assert.equal(r.status, 400);
    assert.equal(r.json.error.details[0].path, 'query.q');
  });

  it('stores a device MAC address in canonical form and refuses a malformed one', async () => {
    const d = await as('viewer', 'GET', `/api/v1/devices/${ids.quietSw}`);
    assert.equal(d.json.mac_address, '00:1a:2b:3c:4d:5e');
    const bad = await as('operator', 'PUT', `/api/v1/devices/${ids.quietSw}`, { mac_address: '00:1a:zz' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.details[0].path, 'body.mac_address');
    assert.equal(
      (await as('viewer', 'GET', `/api/v1/devices/${ids.quietSw}`)).json.mac_address,
      '00:1a:2b:3c:4d:5e',
    );
  });

  it('counts and filters unreachable and auth_failed devices as offline', async () => {
    const counts = (await as('viewer', 'GET', '/api/v1/devices/status')).json;
    assert.deepEqual(counts, { total: 5, online: 3, offline: 2, unreachable: 1, auth_failed: 1, unknown: 0 });
    const offline = (await as('viewer', 'GET', '/api/v1/devices?status=offline')).json.devices;
    assert.deepEqual(
      offline.map((d: Json) => d.name),
      ['clinic-ap', 'clinic-core'],
    );
    const auth = (await as('viewer', 'GET', '/api/v1/devices?status=auth_failed')).json.devices;
    assert.deepEqual(
      auth.map((d: Json) => d.name),
      ['clinic-core'],
    );
  });

  it('previews a threshold rule over the last 24 h of stored samples with the engine rule', async () => {
    const now = hub.ctx.clock();
    const rows: Parameters<typeof storeSamples>[1][number][] = [];
    // CPU of quiet-sw every 5 min over 24 h: above 90 for 20 min twice, and one 5-minute spike.
    for (let i = 0; i < 288; i++) {
      const ts = now - (288 - i) * 300_000;
      const high = (i >= 10 && i < 14) || (i >= 100 && i < 104) || i === 200;
      rows.push({
        kind: 'device',
        target: String(ids.quietSw),
        metric: 'cpu_load',
        ts,
        value: high ? 97 : 20,
      });
      rows.push({ kind: 'device', target: String(ids.depotSw), metric: 'cpu_load', ts, value: 15 });
    }
    await storeSamples(hub.ctx.store, rows);
    const preview = (params: Json) =>
      as('operator', 'POST', '/api/v1/alert-rules/preview', { name: 'CPU', params });
    const any = await preview({ metric: 'cpu_load', comparison: '>', threshold: 90 });
    assert.equal(any.status, 200, JSON.stringify(any.json));
    assert.equal(any.json.fired, 3);
    assert.equal(any.json.targets, 1);
    assert.equal(any.json.series, 2);
    assert.equal(any.json.samples, 576);
    assert.equal(any.json.truncated, false);
    assert.match(any.json.episodes[0].title, /^CPU: cpu_load > 90 on quiet-sw \(10\.1\.0\.1\)$/);
    assert.equal(any.json.episodes[0].duration_s, 1200);
    const sustained = await preview({ metric: 'cpu_load', comparison: '>', threshold: 90, for_s: 600 });
    assert.equal(sustained.json.fired, 2, 'the 5-minute spike does not last 10 minutes');
    const otherSite = await preview({
      metric: 'cpu_load',
      comparison: '>',
      threshold: 90,
      scope: { type: 'site', id: ids['Slow depot'] },
    });
    assert.equal(otherSite.json.fired, 0);
    const nothing = await preview({ metric: 'no_such_metric', comparison: '>', threshold: 1 });
    assert.deepEqual([nothing.json.fired, nothing.json.series], [0, 0]);
    const names = (await as('viewer', 'GET', '/api/v1/alert-rules/metrics')).json.metrics;
    assert.deepEqual(names, [{ name: 'cpu_load', unit: null, series: 2 }]);
    const rules = (await as('viewer', 'GET', '/api/v1/alert-rules')).json.rules;
    assert.ok(!rules.some((r: Json) => r.name === 'CPU'), 'a preview saves nothing');
  });

  it('refuses bad preview parameters naming the field, and a viewer', async () => {
    const bad = await as('operator', 'POST', '/api/v1/alert-rules/preview', {
      params: { metric: 'cpu_load', comparison: '~', threshold: 1 },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.details[0].path, 'body.params.comparison');
    const hours = await as('operator', 'POST', '/api/v1/alert-rules/preview', {
      params: { metric: 'cpu_load', comparison: '>', threshold: 1 },
      hours: 1000,
    });
    assert.equal(hours.status, 400);
    assert.equal(hours.json.error.details[0].path, 'body.hours');
    const viewer = await as('viewer', 'POST', '/api/v1/alert-rules/preview', {
      params: { metric: 'cpu_load', comparison: '>', threshold: 1 },
    });
    assert.equal(viewer.status, 403);
  });
  it('keeps the search index current: renames, new MACs, deletions, and finds resolved alerts after open ones', async () => {
    const hits = async (q: string) =>
      (await as('viewer', 'GET', `/api/v1/search?q=${encodeURIComponent(q)}`)).json;
    await as('operator', 'PUT', `/api/v1/devices/${ids.depotSw}`, {
      name: 'depot-core-7',
      mac_address: 'aa-bb-cc-00-11-22',
    });
    assert.deepEqual((await hits('depot-sw')).devices, [], 'the old name is gone');
    assert.deepEqual(
      (await hits('depot-core')).devices.map((d: Json) => d.id),
      [ids.depotSw],
    );
    assert.deepEqual(
      (await hits('ccdd.0011')).devices.map((d: Json) => [d.id, d.matched]),
      [],
      'a Cisco-dotted fragment must line up with the digits',
    );
    assert.deepEqual(
      (await hits('aabb.cc00.1122')).devices.map((d: Json) => [d.id, d.matched]),
      [[ids.depotSw, 'mac_address']],
    );
    // Status updates (every poll) leave the index alone; the device is still found by its name.
    sqliteDb(hub.ctx.store)
      .prepare("UPDATE devices SET status = 'unreachable', sys_name = sys_name WHERE id = ?")
      .run(ids.depotSw);
    assert.equal((await hits('depot-core')).devices.length, 1);
    const db = sqliteDb(hub.ctx.store);
    db.prepare(
      `INSERT INTO alerts (rule, severity, state, title, site_id, created_at, last_seen, resolved_at)
       VALUES ('manual', 'low', 'resolved', 'Clinic UPS battery replaced', ?, 1, 1, 2)`,
    ).run(ids['Burning clinic']);
    const clinic = await hits('clinic');
    assert.deepEqual(
      clinic.alerts.map((a: Json) => [a.title, a.state]),
      [
        ['Clinic AP down', 'open'],
        ['Clinic core switch refuses SNMP', 'open'],
        ['Clinic UPS battery replaced', 'resolved'],
      ],
    );
    const gone = await as('admin', 'DELETE', `/api/v1/devices/${ids.depotSw}`);
    assert.equal(gone.status, 204);
    assert.deepEqual((await hits('depot-core')).devices, []);
  });
});
