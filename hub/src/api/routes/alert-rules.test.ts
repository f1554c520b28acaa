import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../testing.js';

let hub: TestHub;
before(async () => {
  hub = await createTestHub();
});
after(() => hub.close());

const threshold = {
  name: 'CPU hot',
  severity: 'high',
  params: { metric: 'cpu_load', comparison: '>', threshold: 90, for_s: 300, recovery_threshold: 80 },
};

describe('/api/v1/alert-rules', () => {
  it('lists the built-in rules, enabled, to every role', async () => {
    // Built-in rows are created by the alerting service; the API lists what is stored.
    const { ensureBuiltinRules } = await import('../../alerts/rules-store.js');
    await ensureBuiltinRules(hub.ctx.store.alertRules, Date.now());
    const res = await hub.req('GET', '/api/v1/alert-rules', { token: hub.tokens.viewer });
    assert.equal(res.status, 200);
    const { rules } = (await res.json()) as { rules: { name: string; builtin: boolean; enabled: boolean }[] };
    for (const n of [
      'device-unreachable',
      'agent-offline',
      'camera-down',
      'interface-down',
      'buffer-drop',
      'snmp-auth-failure',
      'check-down',
      'tls-cert-expiry',
      'ups-on-battery',
      'ups-battery',
      'snmp-trap',
    ]) {
      const r = rules.find((x) => x.name === n);
      assert.ok(r?.builtin && r.enabled, n);
    }
  });

  it('lets an operator create a threshold rule and refuses a viewer', async () => {
    assert.equal(
      (await hub.req('POST', '/api/v1/alert-rules', { token: hub.tokens.viewer, body: threshold })).status,
      403,
    );
    const res = await hub.req('POST', '/api/v1/alert-rules', { token: hub.tokens.operator, body: threshold });
    assert.equal(res.status, 201);
    const rule = (await res.json()) as { id: number; key: string; params: { for_s: number } };
    assert.equal(rule.key, `threshold:${rule.id}`);
    assert.equal(rule.params.for_s, 300);
    assert.equal(
      (await hub.req('POST', '/api/v1/alert-rules', { token: hub.tokens.operator, body: threshold })).status,
      409,
    );
  });

  it('names the bad parameter', async () => {
    const res = await hub.req('POST', '/api/v1/alert-rules', {
      token: hub.tokens.operator,
      body: {
        ...threshold,
        name: 'bad',
        params: { ...threshold.params, recovery_threshold: 95, comparison: '>>' },
      },
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    assert.equal(body.error.code, 'validation_failed');
    assert.ok(
      body.error.details.some((d) => d.path === 'body.params.comparison'),
      JSON.stringify(body),
    );
  });

  it('creates a rule on a trap OID, and names a bad OID', async () => {
    const body = {
      name: 'Fan failure trap',
      kind: 'trap-oid',
      params: { trap_oid: '1.3.6.1.4.1.9.9.13.3.0.4', clear_trap_oid: '1.3.6.1.4.1.9.9.13.3.0.5' },
    };
    const res = await hub.req('POST', '/api/v1/alert-rules', { token: hub.tokens.operator, body });
    assert.equal(res.status, 201);
    const rule = (await res.json()) as { id: number; key: string; params: { resolve_after_s: number } };
    assert.equal(rule.key, `trap-oid:${rule.id}`);
    assert.equal(rule.params.resolve_after_s, 3600);
    const bad = await hub.req('POST', '/api/v1/alert-rules', {
      token: hub.tokens.operator,
      body: { ...body, name: 'bad trap', params: { trap_oid: 'ciscoEnvMonFanNotification' } },
    });
    assert.equal(bad.status, 400);
    const err = (await bad.json()) as { error: { details: { path: string }[] } };
    assert.ok(
      err.error.details.some((d) => d.path === 'body.params.trap_oid'),
      JSON.stringify(err),
    );
  });

  it('lets an operator disable a built-in rule but only an admin delete user rules; built-ins are never deleted', async () => {
    const { rules } = (await (
      await hub.req('GET', '/api/v1/alert-rules', { token: hub.tokens.viewer })
    ).json()) as {
      rules: { id: number; name: string; builtin: boolean }[];
    };
    const builtin = rules.find((r) => r.name === 'camera-degraded')!;
    const patched = await hub.req('PATCH', `/api/v1/alert-rules/${builtin.id}`, {
      token: hub.tokens.operator,
      body: { enabled: false, params: { for_s: 300 } },
    });
    assert.equal(patched.status, 200);
    assert.equal(((await patched.json()) as { enabled: boolean }).enabled, false);
    assert.equal(
      (await hub.req('DELETE', `/api/v1/alert-rules/${builtin.id}`, { token: hub.tokens.admin })).status,
      409,
    );
    const user = rules.find((r) => r.name === 'CPU hot')!;
    assert.equal(
      (await hub.req('DELETE', `/api/v1/alert-rules/${user.id}`, { token: hub.tokens.operator })).status,
      403,
    );
    assert.equal(
      (await hub.req('DELETE', `/api/v1/alert-rules/${user.id}`, { token: hub.tokens.admin })).status,
      204,
    );
    assert.equal(
      (await hub.req('GET', `/api/v1/alert-rules/${user.id}`, { token: hub.tokens.viewer })).status,
      404,
    );
  });
});

describe('/api/v1/maintenance', () => {
  it('creates one-off and weekly windows and reports whether they are active', async () => {
    // The test hub's clock is Thursday 2026-01-15 12:00 UTC.
    const once = await hub.req('POST', '/api/v1/maintenance', {
      token: hub.tokens.operator,
      body: {
        name: 'core switch upgrade',
        scope: { type: 'all' },
        schedule: { type: 'once', starts_at: '2026-01-15T11:00:00Z', ends_at: '2026-01-15T13:00:00Z' },
      },
    });
    assert.equal(once.status, 201);
    const o = (await once.json()) as { id: number; active_now: boolean; schedule: { starts_at: string } };
    assert.equal(o.active_now, true);
    assert.equal(o.schedule.starts_at, '2026-01-15T11:00:00.000Z');
    const weekly = await hub.req('POST', '/api/v1/maintenance', {
      token: hub.tokens.operator,
      body: {
        name: 'Saturday night',
        scope: { type: 'site', id: 1 },
        schedule: { type: 'weekly', days: [3], start: '22:00', end: '13:00', timezone: 'UTC' },
      },
    });
    assert.equal(weekly.status, 201);
    assert.equal(((await weekly.json()) as { active_now: boolean }).active_now, true);
    const list = (await (
      await hub.req('GET', '/api/v1/maintenance', { token: hub.tokens.viewer })
    ).json()) as {
      windows: unknown[];
    };
    assert.equal(list.windows.length, 2);
  });

  it('refuses bad schedules with the field named, and viewers', async () => {
    const bad = await hub.req('POST', '/api/v1/maintenance', {
      token: hub.tokens.operator,
      body: {
        name: 'x',
        scope: { type: 'site', id: 1 },
        schedule: { type: 'once', starts_at: '2026-11-22T03:00:00Z', ends_at: '2026-11-22T01:00:00Z' },
      },
    });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /body\.schedule\.ends_at/);
    const tz = await hub.req('POST', '/api/v1/maintenance', {
      token: hub.tokens.operator,
      body: {
        name: 'x',
        scope: { type: 'all' },
        schedule: { type: 'weekly', days: [1], start: '01:00', end: '02:00', timezone: 'Mars/Base' },
      },
    });
    assert.equal(tz.status, 400);
    assert.match(JSON.stringify(await tz.json()), /body\.schedule\.timezone/);
    const viewer = await hub.req('POST', '/api/v1/maintenance', {
      token: hub.tokens.viewer,
      body: {
        name: 'x',
        scope: { type: 'all' },
        schedule: { type: 'weekly', days: [1], start: '01:00', end: '02:00' },
      },
    });
    assert.equal(viewer.status, 403);
  });
});
