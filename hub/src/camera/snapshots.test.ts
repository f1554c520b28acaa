import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SnapshotMessage } from '@outpost/protocol';
import { createTestHub, type TestHub } from '../api/testing.js';
import { snapshotHandler } from '../ingest/snapshot.js';
import type { IngestDeps } from '../ingest/types.js';

const T0 = Date.UTC(2026, 0, 15, 11, 0, 0);

function jpeg(tag: number): Uint8Array {
  return Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, tag, 0x00, 0xff, 0xd9]);
}

describe('camera snapshots on the hub', () => {
  let hub: TestHub;
  let deps: IngestDeps;
  const send = (camera_id: number, i: number, agent = 'agent-a') =>
    snapshotHandler.handle(deps, agent, {
      v: 1,
      camera_id,
      ts: T0 + i * 60_000,
      content_type: 'image/jpeg',
      width: 640,
      height: 360,
      image: jpeg(i),
    } as SnapshotMessage);

  before(async () => {
    hub = await createTestHub({ cameraSnapshotsKeep: 5 });
    const { store } = hub.ctx;
    const shop = (await store.sites.insert({ name: 'shop' }, 0)).id;
    const school = (await store.sites.insert({ name: 'school' }, 0)).id;
    const cam = (name: string, site_id: number) =>
      store.cameras.insert(
        {
          name,
          ip_address: '192.0.2.20',
          rtsp_url: 'rtsp://192.0.2.20/x',
          username: null,
          password_secret: null,
          location: null,
          site_id,
          meta: '{}',
        },
        0,
      );
    assert.deepEqual(
      [(await cam('door', shop)).id, (await cam('yard', school)).id, (await cam('empty', shop)).id],
      [1, 2, 3],
    );
    const sites: Record<string, number> = { 'agent-a': 1 };
    deps = {
      store: hub.ctx.store,
      logger: hub.ctx.logger,
      clock: hub.ctx.clock,
      sites: { siteOf: async (id: string) => sites[id] },
      presence: { seen() {} },
      snapshotsKeep: hub.ctx.config.cameraSnapshotsKeep,
    } as unknown as IngestDeps;
  });
  after(() => hub.close());

  it('keeps the last N per camera and advances last_snapshot_at', async () => {
    for (let i = 1; i <= 8; i++) await send(1, i);
    const rows = (await hub.ctx.store.snapshots.list(1)).map((s) => s.ts).reverse();
    assert.deepEqual(
      rows,
      [4, 5, 6, 7, 8].map((i) => T0 + i * 60_000),
    );
    assert.equal((await hub.ctx.store.cameras.get(1))?.last_snapshot_at, T0 + 8 * 60_000);
  });

  it('refuses a snapshot of a camera outside the agent site, or from an unknown agent', async () => {
    await send(2, 1);
    await send(1, 9, 'agent-unknown');
    assert.equal((await hub.ctx.store.snapshots.list(2)).length, 0);
    assert.equal((await hub.ctx.store.snapshots.list(1))[0]?.ts, T0 + 8 * 60_000);
  });

  it('serves the latest JPEG, and an older one with ?at=', async () => {
    const latest = await hub.req('GET', '/api/v1/cameras/1/snapshot', { token: hub.tokens.viewer });
    assert.equal(latest.status, 200);
    assert.equal(latest.headers.get('content-type'), 'image/jpeg');
    assert.equal(latest.headers.get('x-image-size'), '640x360');
    assert.deepEqual(new Uint8Array(await latest.arrayBuffer()), jpeg(8));
    const older = await hub.req('GET', `/api/v1/cameras/1/snapshot?at=${T0 + 6 * 60_000 + 30_000}`, {
      token: hub.tokens.viewer,
    });
    assert.deepEqual(new Uint8Array(await older.arrayBuffer()), jpeg(6));
    const iso = await hub.req(
      'GET',
      `/api/v1/cameras/1/snapshot?at=${new Date(T0 + 5 * 60_000).toISOString()}`,
      { token: hub.tokens.viewer },
    );
    assert.deepEqual(new Uint8Array(await iso.arrayBuffer()), jpeg(5));
  });

  it('answers 400, 401, 404 where it should', async () => {
    assert.equal((await hub.req('GET', '/api/v1/cameras/1/snapshot')).status, 401);
    const bad = await hub.req('GET', '/api/v1/cameras/1/snapshot?at=yesterday', { token: hub.tokens.viewer });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /query\.at/);
    assert.equal(
      (await hub.req('GET', '/api/v1/cameras/99/snapshot', { token: hub.tokens.viewer })).status,
      404,
    );
    const none = await hub.req('GET', '/api/v1/cameras/3/snapshot', { token: hub.tokens.viewer });
    assert.equal(none.status, 404);
    assert.match(JSON.stringify(await none.json()), /no snapshot yet/);
    assert.equal(
      (await hub.req('GET', `/api/v1/cameras/1/snapshot?at=${T0}`, { token: hub.tokens.viewer })).status,
      404,
    );
  });

  it('lists snapshots newest first with links', async () => {
    const res = await hub.req('GET', '/api/v1/cameras/1/snapshots', { token: hub.tokens.viewer });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { items: { ts: string; url: string; bytes: number }[] };
    assert.equal(body.items.length, 5);
    assert.equal(body.items[0]?.ts, new Date(T0 + 8 * 60_000).toISOString());
    assert.equal(body.items[0]?.url, `/api/v1/cameras/1/snapshot?at=${T0 + 8 * 60_000}`);
    assert.equal(body.items[0]?.bytes, 10);
  });

  it('taking a snapshot needs the operator role', async () => {
    assert.equal(
      (await hub.req('POST', '/api/v1/cameras/1/snapshot', { token: hub.tokens.viewer })).status,
      403,
    );
    assert.equal(
      (await hub.req('POST', '/api/v1/cameras/99/snapshot', { token: hub.tokens.operator })).status,
      404,
    );
  });
});
