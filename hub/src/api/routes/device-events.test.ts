import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
const FAN_FAIL = '1.3.6.1.4.1.9.9.13.3.0.4';
const DOOR = '1.3.6.1.4.1.99999.0.7';

describe('device events API', () => {
  let hub: TestHub;
  let sw = 0;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, `/api/v1${path}`, { token: hub.tokens.operator, body });
    return { status: res.status, json: (await res.json()) as Json };
  };

  before(async () => {
    hub = await createTestHub();
    const site = (await call('POST', '/sites', { name: 'Shop' })).json.id;
    sw = (await call('POST', '/devices', { name: 'sw', ip_address: '192.0.2.2', site_id: site, snmp: null }))
      .json.id;
    await hub.ctx.store.agents.create({
      id: 'agent-1',
      site_id: site,
      hostname: 'pi',
      version: '1',
      secret_hash: 'ab'.repeat(32),
      created_at: 0,
    });
    const trap = (ts: number, trap_oid: string, varbinds: object[] = []) =>
      hub.ctx.store.agentEvents.insert({
        agent_id: 'agent-1',
        site_id: site,
        ts,
        type: 'snmp_trap',
        device_id: sw,
        camera_id: null,
        data: { source: '192.0.2.2', version: '2c', pdu: 'trap', trap_oid, varbinds },
        received_at: ts,
      });
    const t0 = Date.UTC(2026, 0, 15);
    await trap(t0, LINK_DOWN, [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'INTEGER', value: '3' }]);
    await trap(t0 + 1000, FAN_FAIL, [{ oid: '1.3.6.1.4.1.9.9.13.1.4.1.3.1', type: 'INTEGER', value: '4' }]);
    await trap(t0 + 2000, DOOR, [
      { oid: '1.3.6.1.4.1.99999.1.1.0', type: 'STRING', value: 'back door open' },
    ]);
    await hub.ctx.store.agentEvents.insert({
      agent_id: 'agent-1',
      site_id: site,
      ts: t0 + 3000,
      type: 'check_state',
      device_id: sw,
      camera_id: null,
      data: { check_id: 1, status: 'down' },
      received_at: t0 + 3000,
    });
  });
  after(() => hub.close());

  it("lists a device's traps newest first with their varbinds and the rule that maps each", async () => {
    const rule = await call('POST', '/alert-rules', {
      name: 'Fan failure',
      kind: 'trap-oid',
      severity: 'high',
      params: { trap_oid: FAN_FAIL },
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.json));
    const r = await call('GET', `/devices/${sw}/events?type=snmp_trap`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.events.map((e: Json) => [e.data.trap_oid, e.rule?.name ?? null]),
      [
        [DOOR, null],
        [FAN_FAIL, 'Fan failure'],
        [LINK_DOWN, 'interface-down'],
      ],
    );
    assert.deepEqual(r.json.events[0].data.varbinds, [
      { oid: '1.3.6.1.4.1.99999.1.1.0', type: 'STRING', value: 'back door open' },
    ]);
    assert.equal(r.json.next_before, null);
  });

  it('pages with before and filters by type; refuses a bad type list', async () => {
    const first = await call('GET', `/devices/${sw}/events?limit=2`);
    assert.deepEqual(
      first.json.events.map((e: Json) => e.type),
      ['check_state', 'snmp_trap'],
    );
    assert.equal(first.json.events[0].rule, undefined, 'only traps have a rule');
    const next = await call('GET', `/devices/${sw}/events?limit=2&before=${first.json.next_before}`);
    assert.deepEqual(
      next.json.events.map((e: Json) => e.data.trap_oid),
      [FAN_FAIL, LINK_DOWN],
    );
    const bad = await call('GET', `/devices/${sw}/events?type=snmp_trap;drop`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.details[0].path, 'query.type');
    assert.equal((await call('GET', '/devices/99999/events')).status, 404);
  });
});
