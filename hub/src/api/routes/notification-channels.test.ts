import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../testing.js';

let hub: TestHub;
let receiver: Server;
let url: string;
const bodies: { path: string; body: string; signature?: string }[] = [];

before(async () => {
  hub = await createTestHub({ notifyAllowedNetworks: '127.0.0.1/32' }); // the receiver is on loopback
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push({
        path: req.url ?? '',
        body,
        signature: req.headers['x-outpost-signature'] as string | undefined,
      });
      res.writeHead(req.url === '/down' ? 503 : 200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
after(async () => {
  hub.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const SECRET = 'shared-secret-of-enough-length';

describe('/api/v1/notification-channels', () => {
  let id: number;

  it('creates a channel for admins only and never returns its secrets', async () => {
    const body = {
      name: 'noc',
      type: 'webhook',
      config: { url: `${url}/hook` },
      secrets: { hmac_secret: SECRET },
    };
    assert.equal(
      (await hub.req('POST', '/api/v1/notification-channels', { token: hub.tokens.operator, body })).status,
      403,
    );
    assert.equal(
      (await hub.req('GET', '/api/v1/notification-channels', { token: hub.tokens.operator })).status,
      403,
    );
    const res = await hub.req('POST', '/api/v1/notification-channels', { token: hub.tokens.admin, body });
    assert.equal(res.status, 201);
    const text = await res.text();
    assert.ok(!text.includes(SECRET), 'secret not echoed');
    const c = JSON.parse(text) as {
      id: number;
      secrets_set: string[];
      min_severity: string;
      routes: unknown[];
    };
    assert.deepEqual(c.secrets_set, ['hmac_secret']);
    assert.equal(c.min_severity, 'info', 'a new channel gets every severity');
    assert.deepEqual(c.routes, []);
    id = c.id;
    const stored = await hub.ctx.store.channels.get(id);
    assert.ok(stored?.secret && !stored.secret.includes(SECRET), 'encrypted at rest');
    const list = await (
      await hub.req('GET', '/api/v1/notification-channels', { token: hub.tokens.admin })
    ).text();
    assert.ok(!list.includes(SECRET));
  });

  it('validates settings and secrets per channel type, naming the field', async () => {
    const res = await hub.req('POST', '/api/v1/notification-channels', {
      token: hub.tokens.admin,
      body: {
        name: 'bad',
        type: 'email',
        config: { host: 'smtp.example.test', from: 'nope', to: [] },
        secrets: {},
      },
    });
    assert.equal(res.status, 400);
    const paths = ((await res.json()) as { error: { details: { path: string }[] } }).error.details.map(
      (d) => d.path,
    );
    assert.ok(paths.includes('body.config.from') && paths.includes('body.config.to'), paths.join(','));
    const short = await hub.req('POST', '/api/v1/notification-channels', {
      token: hub.tokens.admin,
      body: { name: 'bad2', type: 'webhook', config: { url: `${url}/x` }, secrets: { hmac_secret: 'short' } },
    });
    assert.equal(short.status, 400);
    assert.match(await short.text(), /body\.secrets\.hmac_secret/);
    const route = await hub.req('POST', '/api/v1/notification-channels', {
      token: hub.tokens.admin,
      body: {
        name: 'bad3',
        type: 'webhook',
        config: { url: `${url}/x` },
        secrets: { hmac_secret: SECRET },
        routes: [{ rules: ['no-such-rule'] }],
      },
    });
    assert.equal(route.status, 422);
  });

  it('updates routes and settings while keeping secrets that were not given', async () => {
    const res = await hub.req('PATCH', `/api/v1/notification-channels/${id}`, {
      token: hub.tokens.admin,
      body: {
        min_severity: 'high',
        routes: [{ scope: { type: 'site', id: 3 }, severities: ['critical'], delay_s: 600 }],
      },
    });
    assert.equal(res.status, 200);
    const c = (await res.json()) as {
      secrets_set: string[];
      routes: { delay_s: number; repeat_interval_s: null }[];
    };
    assert.deepEqual(c.secrets_set, ['hmac_secret']);
    assert.equal(c.routes[0]!.delay_s, 600);
  });

  it('sends a test message and reports the result', async () => {
    const ok = await hub.req('POST', `/api/v1/notification-channels/${id}/test`, { token: hub.tokens.admin });
    assert.equal(ok.status, 200);
    const r = (await ok.json()) as { ok: boolean; status_code: number };
    assert.deepEqual([r.ok, r.status_code], [true, 200]);
    const got = bodies.find((b) => b.path === '/hook')!;
    assert.equal(JSON.parse(got.body).event, 'test');
    assert.match(got.signature!, /^t=\d+,v1=[0-9a-f]{64}$/);

    const down = await hub.req('POST', '/api/v1/notification-channels', {
      token: hub.tokens.admin,
      body: { name: 'down', type: 'slack', config: {}, secrets: { webhook_url: `${url}/down` } },
    });
    const downId = ((await down.json()) as { id: number }).id;
    const failed = (await (
      await hub.req('POST', `/api/v1/notification-channels/${downId}/test`, { token: hub.tokens.admin })
    ).json()) as { ok: boolean; status_code: number; error: string };
    assert.equal(failed.ok, false);
    assert.equal(failed.status_code, 503);
    assert.match(failed.error, /HTTP 503/);
  });

  it("serves an alert's delivery log", async () => {
    const alert = await hub.ctx.store.alerts.insert({
      rule: 'agent-offline',
      rule_id: null,
      target: { key: 'agent:pi-1', agent_id: 'pi-1' },
      severity: 'critical',
      title: 'Agent pi-1 offline',
      message: null,
      ts: Date.now(),
      opened_at: Date.now(),
      suppressed_by: null,
      maintenance_id: null,
      transitions: [],
      flapping: false,
    });
    const outbox = hub.ctx.store.notifications;
    const oid = await outbox.enqueue(
      id,
      alert.id,
      'problem',
      { kind: 'problem', title: 'Agent pi-1 offline', text: '', ts: 1 },
      Date.now(),
    );
    await outbox.recordAttempt(
      oid,
      { ts: Date.now(), ok: false, statusCode: 429, error: 'HTTP 429', durationMs: 3 },
      { status: 'pending', nextAttemptAt: Date.now() + 1000 },
    );
    await outbox.recordAttempt(
      oid,
      { ts: Date.now(), ok: true, statusCode: 200, durationMs: 4 },
      { status: 'delivered' },
    );
    const res = await hub.req('GET', `/api/v1/alerts/${alert.id}/notifications`, {
      token: hub.tokens.viewer,
    });
    assert.equal(res.status, 200);
    const { notifications } = (await res.json()) as {
      notifications: {
        channel_name: string;
        status: string;
        attempts: number;
        attempts_log: { ok: boolean; status_code: number }[];
      }[];
    };
    assert.equal(notifications.length, 1);
    assert.equal(notifications[0]!.channel_name, 'noc');
    assert.equal(notifications[0]!.status, 'delivered');
    assert.deepEqual(
      notifications[0]!.attempts_log.map((a) => [a.ok, a.status_code]),
      [
        [false, 429],
        [true, 200],
      ],
    );
    assert.equal(
      (await hub.req('GET', '/api/v1/alerts/999999/notifications', { token: hub.tokens.viewer })).status,
      404,
    );
  });
});
