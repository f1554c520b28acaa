import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { needPostgres, type RunningPostgres, startPostgres } from '../../../test/support/postgres.js';
import { listRoutes } from './access.js';
import { createTestHub, type TestHub } from './testing.js';

const skip = needPostgres();

/** A concrete URL for a route: every path parameter names the seeded rows (id 1), assets a real file. */
function concrete(path: string): string {
  return path.replaceAll(/\{([^}]+)\}/g, (_m, name: string) => (name === 'asset' ? 'swagger-ui.css' : '1'));
}

// The API on a hub whose store is PostgreSQL (the time series included): every route answers without a
// server error, as admin, over real rows. The route rules themselves are engine-neutral (access.test.ts).
describe('every API route on PostgreSQL', { skip }, () => {
  let pg: RunningPostgres;
  let hub: TestHub;
  const T = Date.UTC(2026, 0, 15, 12, 0, 0);

  before(async () => {
    pg = await startPostgres();
    hub = await createTestHub({ databaseUrl: await pg.createDatabase('routes') });
    const store = hub.ctx.store;
    assert.equal(store.engine, 'postgres');
    const site = await store.sites.insert({ name: 'pg-site' }, T);
    const device = await store.devices.insert(
      {
        name: 'pg-switch',
        ip_address: '192.0.2.10',
        site_id: site.id,
        parent_id: null,
        vendor: null,
        mac_address: null,
        device_type: 'switch',
        snmp_json: '{"version":"2c","port":161}',
        snmp_secret: null,
        poll_interval_s: 60,
        profile: null,
        meta: '{}',
      },
      T,
    );
    assert.equal(device.id, 1);
    await store.unit(async (tx) => {
      const id = tx.samples.seriesOf('device', device.id, 'cpu_load', undefined, 'percent');
      for (let i = 0; i < 30; i++) tx.samples.add(id, T - (30 - i) * 60_000, i);
    });
    // Half of them sealed into a chunk: reads cross the chunk and the head.
    await store.timeseries.seal({ all: true });
    await store.unit(async (tx) => {
      const id = tx.samples.seriesOf('device', device.id, 'cpu_load', undefined, 'percent');
      for (let i = 30; i < 60; i++) tx.samples.add(id, T - (60 - i) * 1000, i);
    });
  });
  after(async () => {
    await hub?.close();
    await pg?.stop();
  });

  it('reads a device and its samples across a sealed chunk and the head', async () => {
    const list = await hub.req('GET', '/api/v1/devices?per_page=50', { token: hub.tokens.admin });
    assert.equal(list.status, 200);
    assert.deepEqual(
      ((await list.json()) as { devices: { name: string }[] }).devices.map((d) => d.name),
      ['pg-switch'],
    );
    const from = new Date(T - 3_600_000).toISOString();
    const to = new Date(T).toISOString();
    const res = await hub.req('GET', `/api/v1/devices/1/metrics?name=cpu_load&from=${from}&to=${to}`, {
      token: hub.tokens.admin,
    });
    assert.equal(res.status, 200);
    const points = ((await res.json()) as { points: { v: number }[] }).points;
    assert.deepEqual(
      points.map((p) => p.v),
      Array.from({ length: 60 }, (_, i) => i),
    );
  });

  it('answers every route as admin without a server error', async () => {
    const routes = listRoutes(hub.app);
    // Deletes last, so that the rows other requests read are still there.
    routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    const failed: string[] = [];
    for (const route of routes) {
      const url = concrete(route.path);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      const res = await hub.req(route.method, url, { token: hub.tokens.admin, body });
      // Streams (SSE) stay open: only the status (and an error body) matters here.
      if (res.status < 500) {
        await res.body?.cancel().catch(() => {});
        continue;
      }
      const text = await res.text();
      // This hub runs no agent link (no broker): routes that need one say so, on any engine.
      if (res.status === 503 && text.includes('the agent link is not running')) continue;
      failed.push(`${route.method} ${url}: ${res.status} ${text}`);
    }
    assert.ok(routes.length >= 40);
    assert.deepEqual(failed, []);
  });
});
