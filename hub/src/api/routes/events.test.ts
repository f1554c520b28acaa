import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestHub, TEST_PASSWORDS, type TestHub } from '../testing.js';
import { eventStreams } from './events.js';

/** Reads an SSE response until `until` matches the text so far, or the stream ends; fails after `ms`. */
async function read(res: Response, until: RegExp, ms = 3000): Promise<{ text: string; done: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${until} within ${ms} ms; got: ${text}`);
      const next = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timeout; got: ${text}`)), left)),
      ]);
      if (next.done) return { text, done: true };
      text += decoder.decode(next.value, { stream: true });
      if (until.test(text)) return { text, done: false };
    }
  } finally {
    reader.releaseLock();
  }
}

const device = (status: string) => ({
  device_id: 1,
  site_id: 1,
  status,
  previous: 'online',
  ts: 0,
});

describe('event stream: tokens and lifetime', () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await createTestHub({ sseMaxPerUser: 2 });
  });
  afterEach(() => hub.close());

  const streamToken = async (scope: string, token = hub.tokens.viewer) => {
    const r = await hub.req('POST', '/api/v1/auth/stream-tokens', { token, body: { scope } });
    assert.equal(r.status, 201);
    return ((await r.json()) as { token: string }).token;
  };
  const open = (query: string, token?: string) =>
    hub.req('GET', `/api/v1/events${query}`, token ? { token } : {});

  it('refuses a full access token in the URL', async () => {
    const res = await open(`?access_token=${hub.tokens.viewer}`);
    assert.equal(res.status, 401);
    assert.match(await res.text(), /stream token/);
  });

  it('accepts a stream token for the event stream only, and only for a minute', async () => {
    const events = await streamToken('events');
    const res = await open(`?access_token=${events}`);
    assert.equal(res.status, 200);
    assert.match((await read(res, /event: ready/)).text, /event: ready/);
    await res.body?.cancel();
    const snap = await hub.req('GET', `/api/v1/cameras/1/snapshot?access_token=${events}`);
    assert.equal(snap.status, 401, 'an events token opens no snapshot');
    const other = await streamToken('snapshot:1');
    assert.equal((await open(`?access_token=${other}`)).status, 401, 'a snapshot token opens no stream');
    const api = await hub.req('GET', '/api/v1/devices', { token: events });
    assert.equal(api.status, 401, 'a stream token is no access token');
    hub.setTime(hub.ctx.clock() + 61_000);
    assert.equal((await open(`?access_token=${events}`)).status, 401, 'expired after 60 s');
  });

  it('refuses to mint a scope it does not know, and needs a real access token to mint', async () => {
    const bad = await hub.req('POST', '/api/v1/auth/stream-tokens', {
      token: hub.tokens.viewer,
      body: { scope: 'devices' },
    });
    assert.equal(bad.status, 400);
    const events = await streamToken('events');
    const chained = await hub.req('POST', '/api/v1/auth/stream-tokens', {
      token: events,
      body: { scope: 'live:1' },
    });
    assert.equal(chained.status, 401);
  });

  it('ends the stream when the token it was opened with expires, and sends nothing after', async () => {
    const res = await open('', hub.tokens.viewer);
    await read(res, /event: ready/);
    hub.setTime(hub.ctx.clock() + 16 * 60_000); // the 15-minute access token has expired
    hub.ctx.events.emit('device.status', device('offline'));
    const { text, done } = await read(res, /never/);
    assert.equal(done, true, 'the stream ended');
    assert.match(text, /event: end\ndata: \{"reason":"token expired"\}/);
    assert.doesNotMatch(text, /device\.status/);
  });

  it("forwards to a user limited to some sites only their sites' events, and ends when the scope changes", async () => {
    const now = hub.ctx.clock();
    const mine = await hub.ctx.store.sites.insert({ name: 'mine' }, now);
    const other = await hub.ctx.store.sites.insert({ name: 'other' }, now);
    await hub.ctx.store.scopes.set({ user_id: hub.ids.viewer }, { sites: [mine.id], groups: [] });
    const res = await open('', hub.tokens.viewer);
    await read(res, /event: ready/);
    const ev = hub.ctx.events;
    ev.emit('device.status', { ...device('offline'), device_id: 7, site_id: other.id });
    ev.emit('alert.changed', { change: 'created', alert: { id: 9, site_id: other.id } });
    ev.emit('alert.changed', { change: 'created', alert: { id: 10, site_id: null } });
    ev.emit('rollout.changed', { rollout_id: 1, by: 'api' });
    ev.emit('device.status', { ...device('offline'), device_id: 8, site_id: mine.id });
    const { text } = await read(res, /"device_id":8/);
    assert.doesNotMatch(text, /"device_id":7|"id":9|"id":10|rollout/);
    const r = await hub.req('PUT', `/api/v1/users/${hub.ids.viewer}`, {
      token: hub.tokens.admin,
      body: { scope: { sites: [mine.id, other.id] } },
    });
    assert.equal(r.status, 200);
    const end = await read(res, /never/);
    assert.equal(end.done, true);
    assert.match(end.text, /"reason":"scope changed"/);
  });

  it('ends the stream at once when the user is disabled', async () => {
    const res = await open('', hub.tokens.viewer);
    await read(res, /event: ready/);
    const r = await hub.req('PUT', `/api/v1/users/${hub.ids.viewer}`, {
      token: hub.tokens.admin,
      body: { disabled: true },
    });
    assert.equal(r.status, 200);
    const { text, done } = await read(res, /never/);
    assert.equal(done, true);
    assert.match(text, /"reason":"user no longer active"/);
  });

  it('ends the stream when the user changes their password elsewhere', async () => {
    const res = await open('', hub.tokens.viewer);
    await read(res, /event: ready/);
    hub.setTime(hub.ctx.clock() + 2000); // a later second than the token's iat
    const r = await hub.req('POST', '/api/v1/auth/change-password', {
      token: hub.tokens.viewer,
      body: { current_password: TEST_PASSWORDS.viewer, new_password: 'Another-blue-lantern-88' },
    });
    assert.equal(r.status, 200);
    const { text, done } = await read(res, /never/);
    assert.equal(done, true);
    assert.match(text, /"reason":"token predates a password change"/);
  });

  it('keeps forwarding events while the token is good', async () => {
    const res = await open('', hub.tokens.viewer);
    await read(res, /event: ready/);
    hub.ctx.events.emit('device.status', device('offline'));
    assert.match((await read(res, /event: device\.status/)).text, /"status":"offline"/);
    await res.body?.cancel();
  });

  it('caps the streams one user holds open (sseMaxPerUser)', async () => {
    const a = await open('', hub.tokens.viewer);
    const b = await open('', hub.tokens.viewer);
    await read(a, /event: ready/);
    await read(b, /event: ready/);
    const c = await open('', hub.tokens.viewer);
    assert.equal(c.status, 429);
    assert.match(await c.text(), /sseMaxPerUser/);
    const other = await open('', hub.tokens.operator);
    assert.equal(other.status, 200, 'another user is not affected');
    await other.body?.cancel();
    await a.body?.cancel();
    for (let i = 0; i < 100 && (eventStreams(hub.ctx).byUser.get(hub.ids.viewer) ?? 0) > 1; i++)
      await new Promise((r) => setTimeout(r, 10));
    const d = await open('', hub.tokens.viewer);
    assert.equal(d.status, 200, 'a slot frees when a stream closes');
    await Promise.all([b.body?.cancel(), d.body?.cancel()]);
  });
});
