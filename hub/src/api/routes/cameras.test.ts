import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { cameraCredentials } from '../../inventory/credentials.js';
import { splitRtspUrl } from '../models/camera.js';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('splitRtspUrl', () => {
  const cases: [string, { url: string; host: string; username?: string; password?: string }][] = [
    [
      'rtsp://10.0.0.5/live',
      { url: 'rtsp://10.0.0.5/live', host: '10.0.0.5', username: undefined, password: undefined },
    ],
    [
      'rtsp://admin:p%40ss@10.0.0.5:554/a?b=1',
      { url: 'rtsp://10.0.0.5:554/a?b=1', host: '10.0.0.5', username: 'admin', password: 'p@ss' },
    ],
    [
      'rtsps://u@[2001:db8::5]/s',
      { url: 'rtsps://[2001:db8::5]/s', host: '2001:db8::5', username: 'u', password: undefined },
    ],
  ];
  for (const [input, expected] of cases)
    it(`splits ${input}`, () => assert.deepEqual(splitRtspUrl(input), expected));
});

describe('cameras API', () => {
  let hub: TestHub;
  const op = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, path, { token: hub.tokens.operator, body });
    return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as Json };
  };
  beforeEach(async () => {
    hub = await createTestHub();
    await op('POST', '/api/v1/sites', { name: 'A' });
  });
  afterEach(() => hub.close());

  it('derives ip_address from the URL host and keeps the password on unrelated updates', async () => {
    const c = await op('POST', '/api/v1/cameras', {
      name: 'door',
      rtsp_url: 'rtsp://u:pw-123@10.1.1.1/ch1',
      site_id: 1,
      location: 'entrance',
    });
    assert.equal(c.status, 201);
    assert.equal(c.json.ip_address, '10.1.1.1');
    assert.equal(c.json.stream, null);
    const u = await op('PUT', `/api/v1/cameras/${c.json.id}`, {
      rtsp_url: 'rtsp://10.1.1.1/ch2',
      location: 'back door',
    });
    assert.equal(u.json.rtsp_url, 'rtsp://10.1.1.1/ch2');
    assert.equal(u.json.has_password, true);
    assert.deepEqual(cameraCredentials(hub.ctx.secrets, (await hub.ctx.store.cameras.get(c.json.id))!), {
      username: 'u',
      password: 'pw-123',
    });
    const cleared = await op('PUT', `/api/v1/cameras/${c.json.id}`, { password: null });
    assert.equal(cleared.json.has_password, false);
  });

  it('reports status counts, stream facts and what a client needs to show the camera', async () => {
    const { json: c } = await op('POST', '/api/v1/cameras', {
      name: 'yard',
      rtsp_url: 'rtsp://10.1.1.2/h264',
      site_id: 1,
    });
    await op('POST', '/api/v1/cameras', { name: 'gate', rtsp_url: 'rtsp://10.1.1.3/h264', site_id: 1 });
    await hub.ctx.store.cameras.setState({
      id: c.id,
      status: 'online',
      reason: null,
      ts: Date.UTC(2026, 0, 1),
      stream: { codec: 'h264', width: 1920, height: 1080, fps: 25, bitrate_kbps: 4000 },
    });
    await hub.ctx.store.snapshots.add(
      {
        camera_id: c.id,
        ts: Date.UTC(2026, 0, 1),
        received_at: Date.UTC(2026, 0, 1),
        agent_id: null,
        job_id: null,
        width: null,
        height: null,
        image: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
      },
      20,
    );
    assert.deepEqual((await op('GET', '/api/v1/cameras/status')).json, {
      total: 2,
      online: 1,
      offline: 0,
      degraded: 0,
      unknown: 1,
      by_status: { online: 1, unknown: 1 },
    });
    const s = await op('GET', `/api/v1/cameras/${c.id}/stream`);
    assert.deepEqual(s.json, {
      camera_id: c.id,
      name: 'yard',
      status: 'online',
      status_reason: null,
      stream: { codec: 'h264', width: 1920, height: 1080, fps: 25, bitrate_kbps: 4000 },
      last_snapshot_at: '2026-01-01T00:00:00.000Z',
      snapshot_url: `/api/v1/cameras/${c.id}/snapshot`,
      live_url: `/api/v1/cameras/${c.id}/live`,
    });
    const list = await op('GET', '/api/v1/cameras?status=online');
    assert.deepEqual(
      (list.json.cameras as Json[]).map((x) => x.name),
      ['yard'],
    );
    assert.equal(list.json.pagination.total, 1);
  });

  it('serves a snapshot URL to a stream token of scope snapshot:{id} only, never to a full token', async () => {
    const { json: c } = await op('POST', '/api/v1/cameras', {
      name: 'hall',
      rtsp_url: 'rtsp://10.1.1.4/h264',
      site_id: 1,
    });
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    const at = Date.UTC(2026, 0, 1);
    await hub.ctx.store.snapshots.add(
      {
        camera_id: c.id,
        ts: at,
        received_at: at,
        agent_id: null,
        job_id: null,
        width: null,
        height: null,
        image: jpeg,
      },
      20,
    );
    const streamToken = async (scope: string) => {
      const r = await hub.req('POST', '/api/v1/auth/stream-tokens', {
        token: hub.tokens.viewer,
        body: { scope },
      });
      assert.equal(r.status, 201);
      return ((await r.json()) as { token: string }).token;
    };
    const get = (token: string) => hub.req('GET', `/api/v1/cameras/${c.id}/snapshot?access_token=${token}`);
    const ok = await get(await streamToken(`snapshot:${c.id}`));
    assert.equal(ok.status, 200);
    assert.deepEqual(new Uint8Array(await ok.arrayBuffer()), jpeg);
    const full = await get(hub.tokens.viewer);
    assert.equal(full.status, 401, 'a full access token in a URL');
    assert.match(await full.text(), /stream token/);
    assert.equal(
      (await get(await streamToken(`snapshot:${c.id + 1}`))).status,
      401,
      "another camera's token",
    );
    assert.equal((await get(await streamToken(`live:${c.id}`))).status, 401, 'a live view token');
  });

  it('deletes (admin only) with an inventory event', async () => {
    const { json: c } = await op('POST', '/api/v1/cameras', {
      name: 'x',
      rtsp_url: 'rtsp://10.1.1.9/',
      site_id: 1,
    });
    const seen: string[] = [];
    hub.ctx.events.on('inventory.changed', (e) => seen.push(`${e.kind} ${e.id} ${e.change}`));
    assert.equal((await op('DELETE', `/api/v1/cameras/${c.id}`)).status, 403);
    assert.equal(
      (await hub.req('DELETE', `/api/v1/cameras/${c.id}`, { token: hub.tokens.admin })).status,
      204,
    );
    assert.deepEqual(seen, [`camera ${c.id} deleted`]);
  });
});
