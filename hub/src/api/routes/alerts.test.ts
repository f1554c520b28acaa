import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { HubEventMap } from '../../events.js';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('alerts API', () => {
  let hub: TestHub;
  let changes: HubEventMap['alert.changed'][];
  const as = async (role: 'viewer' | 'operator' | 'admin', method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, path, { token: hub.tokens[role], body });
    return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as Json };
  };
  const raise = (severity: string, title: string, extra: Json = {}) =>
    as('operator', 'POST', '/api/v1/alerts', { severity, title, ...extra });

  beforeEach(async () => {
    hub = await createTestHub();
    changes = [];
    hub.ctx.events.on('alert.changed', (e) => changes.push(e));
    await as('operator', 'POST', '/api/v1/sites', { name: 'A' });
    await as('operator', 'POST', '/api/v1/devices', {
      name: 'd',
      ip_address: '10.0.0.1',
      site_id: 1,
      snmp: { version: '1', community: 'x' },
    });
  });
  afterEach(() => hub.close());

  it('raises a manual alert that takes its site from the device, with an event', async () => {
    const a = await raise('critical', 'Power cut', { device_id: 1, message: 'UPS on battery' });
    assert.equal(a.status, 201);
    assert.equal(a.json.rule, 'manual');
    assert.equal(a.json.state, 'open');
    assert.equal(a.json.site_id, 1);
    assert.equal(a.json.acknowledged, false);
    assert.equal(a.json.created_by, hub.ids.operator);
    assert.deepEqual(
      changes.map((c) => [c.change, c.alert.id]),
      [['created', a.json.id]],
    );
  });

  it('filters and paginates with the documented shape', async () => {
    await raise('critical', 'a', { device_id: 1 });
    hub.setTime(hub.ctx.clock() + 1000);
    await raise('low', 'b');
    hub.setTime(hub.ctx.clock() + 1000);
    await raise('high', 'c');
    const titles = async (q: string) =>
      ((await as('viewer', 'GET', `/api/v1/alerts?${q}`)).json.alerts as Json[]).map((x) => x.title);
    assert.deepEqual(await titles(''), ['c', 'b', 'a'], 'newest first');
    assert.deepEqual(await titles('severity=critical,high'), ['c', 'a']);
    assert.deepEqual(await titles('device_id=1'), ['a']);
    assert.deepEqual(await titles('site_id=1'), ['a']);
    assert.deepEqual(await titles('state=resolved'), []);
    const page = await as('viewer', 'GET', '/api/v1/alerts?per_page=2&page=1');
    assert.deepEqual(page.json.pagination, { page: 1, pages: 2, per_page: 2, total: 3 });
    assert.equal((await as('viewer', 'GET', '/api/v1/alerts?severity=urgent')).status, 400);
  });

  it('acknowledges one with a note, then all matching, and summarises', async () => {
    const a = await raise('critical', 'a');
    await raise('high', 'b');
    await raise('high', 'c');
    const ack = await as('operator', 'POST', `/api/v1/alerts/${a.json.id}/acknowledge`, {
      note: 'on my way',
    });
    assert.equal(ack.status, 200);
    assert.equal(ack.json.acknowledged, true);
    assert.equal(ack.json.ack_note, 'on my way');
    assert.equal(ack.json.acknowledged_by_username, 'operator');
    assert.deepEqual((await as('viewer', 'GET', '/api/v1/alerts/summary')).json, {
      total: 3,
      unacknowledged: 2,
      critical: 1,
      high: 2,
      medium: 0,
      low: 0,
      info: 0,
      recent: 3,
    });
    const all = await as('operator', 'POST', '/api/v1/alerts/acknowledge-all', {
      severity: ['high'],
      note: 'bulk',
    });
    assert.deepEqual(all.json, { acknowledged: 2 });
    assert.equal((await as('operator', 'POST', '/api/v1/alerts/acknowledge-all', {})).json.acknowledged, 0);
    assert.equal((await as('viewer', 'GET', '/api/v1/alerts/summary')).json.unacknowledged, 0);
    assert.equal(changes.filter((c) => c.change === 'acknowledged').length, 3);
    assert.equal((await as('viewer', 'POST', `/api/v1/alerts/${a.json.id}/acknowledge`, {})).status, 403);
  });

  it('deletes as admin only', async () => {
    const a = await raise('info', 'x');
    assert.equal((await as('operator', 'DELETE', `/api/v1/alerts/${a.json.id}`)).status, 403);
    assert.equal((await as('admin', 'DELETE', `/api/v1/alerts/${a.json.id}`)).status, 204);
    assert.equal((await as('viewer', 'GET', `/api/v1/alerts/${a.json.id}`)).status, 404);
    assert.equal(changes.at(-1)?.change, 'deleted');
  });
});
