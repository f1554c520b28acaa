import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { tokenService } from '../hub/src/api/app.js';
import { startTestHub, type TestHub, until } from './support/link.js';

/** Opens a viewer socket: resolves with the open socket, or the HTTP status of a refused upgrade. */
function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', () => {});
  });
}

/** Resolves with the close code and reason of a socket; fails when it is still open after `ms`. */
function closedWithin(ws: WebSocket, ms: number): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the live view is still open after ${ms} ms`)), ms);
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

describe('live view access: stream tokens, per-user cap, token lifetime', () => {
  let t: TestHub;
  let cameraId: number;
  let other: number;
  let base: string;
  let siteId: number;
  const open: WebSocket[] = [];
  before(async () => {
    t = await startTestHub({ liveMaxPerUser: 1, passwordHashCost: 10 });
    const site = await t.site('live-site');
    siteId = site;
    await t.enroll(site); // live-start jobs wait for this (offline) agent: the views stay open
    cameraId = await t.camera(site, 'front');
    other = await t.camera(site, 'back');
    base = `${t.hub.url.replace('http', 'ws')}/api/v1/cameras`;
  });
  after(async () => {
    for (const ws of open) ws.terminate();
    await t.close();
  });

  const login = async (username: string, role: string) => {
    const password = `Harbour-lantern-${username.length}-77x`;
    assert.equal((await t.api('POST', '/api/v1/users', { username, role, password })).status, 201);
    const r = await t.api('POST', '/api/v1/auth/login', { username, password });
    assert.equal(r.status, 200);
    return { token: r.body.access_token as string, id: r.body.user.id as number };
  };
  const streamToken = async (scope: string, token: string) => {
    const r = await t.api('POST', '/api/v1/auth/stream-tokens', { scope }, token);
    assert.equal(r.status, 201);
    return r.body.token as string;
  };
  const keep = (ws: WebSocket | number) => {
    assert.ok(ws instanceof WebSocket, `refused with ${ws}`);
    open.push(ws);
    return ws;
  };

  it('refuses a full access token in the URL', async () => {
    assert.equal(await connect(`${base}/${cameraId}/live?access_token=${t.adminToken}`), 401);
  });

  it('accepts a stream token for that camera only', async () => {
    const forOther = await streamToken(`live:${other}`, t.adminToken);
    assert.equal(await connect(`${base}/${cameraId}/live?access_token=${forOther}`), 401);
    const events = await streamToken('events', t.adminToken);
    assert.equal(await connect(`${base}/${cameraId}/live?access_token=${events}`), 401);
    const mine = await streamToken(`live:${cameraId}`, t.adminToken);
    const ws = keep(await connect(`${base}/${cameraId}/live?access_token=${mine}`));
    ws.close();
  });

  it('caps the live views one user watches at once (liveMaxPerUser)', async () => {
    const dana = await login('dana', 'viewer');
    const first = keep(await connect(`${base}/${cameraId}/live`, { authorization: `Bearer ${dana.token}` }));
    assert.equal(
      await connect(`${base}/${other}/live`, { authorization: `Bearer ${dana.token}` }),
      429,
      'a second live view of the same user is refused',
    );
    const erin = await login('erin', 'viewer');
    keep(await connect(`${base}/${other}/live`, { authorization: `Bearer ${erin.token}` }));
    first.close();
    await until(
      async () =>
        (await connect(`${base}/${other}/live`, { authorization: `Bearer ${dana.token}` })) instanceof
        WebSocket,
      3000,
      'a slot once the first view closed',
    );
  });

  it('holds the per-user cap against parallel upgrades of one user', async () => {
    const gail = await login('gail', 'viewer');
    const auth = { authorization: `Bearer ${gail.token}` };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => connect(`${base}/${i % 2 ? other : cameraId}/live`, auth)),
    );
    const opened = results.filter((r): r is WebSocket => r instanceof WebSocket);
    for (const ws of opened) keep(ws);
    assert.equal(opened.length, 1, `opened ${opened.length} live views at once with liveMaxPerUser 1`);
    assert.deepEqual(
      results.filter((r) => !(r instanceof WebSocket)),
      [429, 429, 429, 429, 429],
    );
    for (const ws of opened) ws.close();
  });

  it('ends a live view when the token it was opened with expires', async () => {
    const hana = await login('hana', 'viewer');
    // A stream token minted from an access token that has 1.5 s left: the view may last that long, no longer.
    const token = await tokenService(t.hub.ctx).signStream(
      { id: hana.id, username: 'hana', role: 'viewer' },
      `live:${cameraId}`,
      t.hub.ctx.clock() + 1500,
    );
    const ws = keep(await connect(`${base}/${cameraId}/live?access_token=${token}`));
    const c = await closedWithin(ws, 6000);
    assert.equal(c.code, 1008);
    assert.match(c.reason, /token expired/);
  });

  it('closes a user live view at once when the user is disabled', async () => {
    const finn = await login('finn', 'viewer');
    const ws = keep(await connect(`${base}/${cameraId}/live`, { authorization: `Bearer ${finn.token}` }));
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    assert.equal((await t.api('PUT', `/api/v1/users/${finn.id}`, { disabled: true })).status, 200);
    const c = await closed;
    assert.equal(c.code, 1008);
    assert.match(c.reason, /no longer active/);
  });

  it('refuses a user limited to another site (404), and closes their live view when their scope changes', async () => {
    const elsewhere = await t.site('elsewhere');
    const gail = await login('scoped-gail', 'viewer');
    const scope = (sites: number[]) => t.api('PUT', `/api/v1/users/${gail.id}`, { scope: { sites } });
    const auth = { authorization: `Bearer ${gail.token}` };
    assert.equal((await scope([elsewhere])).status, 200);
    assert.equal(await connect(`${base}/${cameraId}/live`, auth), 404);
    assert.equal((await scope([siteId])).status, 200);
    const ws = keep(await connect(`${base}/${cameraId}/live`, auth));
    const closed = closedWithin(ws, 5000);
    assert.equal((await scope([elsewhere])).status, 200);
    const c = await closed;
    assert.equal(c.code, 1008);
    assert.match(c.reason, /scope changed/);
  });

  it('builds the agent push URL from configuration, never from the viewer Host header', async () => {
    const ws = keep(
      await connect(`${base}/${other}/live`, {
        authorization: `Bearer ${t.adminToken}`,
        host: 'attacker.example:9999',
      }),
    );
    const args = await until(
      async () =>
        (await t.hub.ctx.store.jobs.list({ type: 'live-start', limit: 100, offset: 0 })).items.find(
          (j) => j.target_id === other,
        )?.args,
      3000,
      'the live-start job',
    );
    const push = args.push_url as string;
    assert.ok(!push.includes('attacker'), push);
    // No publicUrl: a path, which the agent takes on the hub it enrolled with.
    assert.match(push, /^\/api\/v1\/cameras\/live\/push\/live_[0-9a-f]+\?token=/);
    ws.close();
  });
});

describe('live view push URL with publicUrl', () => {
  it('is publicUrl in its WebSocket form', async () => {
    const t = await startTestHub({ publicUrl: 'https://hub.example.org/' });
    try {
      const site = await t.site('s');
      await t.enroll(site);
      const cam = await t.camera(site);
      const ws = await connect(`${t.hub.url.replace('http', 'ws')}/api/v1/cameras/${cam}/live`, {
        authorization: `Bearer ${t.adminToken}`,
        host: 'attacker.example',
      });
      assert.ok(ws instanceof WebSocket);
      const args = await until(
        async () =>
          (await t.hub.ctx.store.jobs.list({ type: 'live-start', limit: 1, offset: 0 })).items[0]?.args,
        3000,
        'the live-start job',
      );
      assert.match(String(args.push_url), /^wss:\/\/hub\.example\.org\/api\/v1\/cameras\/live\/push\//);
      ws.terminate();
    } finally {
      await t.close();
    }
  });
});
