import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeSamples } from '../../store/samples.testing.js';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60_000;

describe("a camera's likely cause: the PoE port that stopped powering it", () => {
  let hub: TestHub;
  let sw = 0;
  const cams: Record<string, number> = {};
  const op = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, `/api/v1${path}`, { token: hub.tokens.operator, body });
    return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as Json };
  };

  before(async () => {
    hub = await createTestHub();
    hub.setTime(NOW);
    const site = (await op('POST', '/sites', { name: 'Depot' })).json.id;
    sw = (
      await op('POST', '/devices', {
        name: 'poe-sw',
        ip_address: '192.0.2.10',
        site_id: site,
        snmp: { version: '2c', community: 'c0mmunity' },
      })
    ).json.id;
    const camera = async (name: string, ip: string, poe_port?: string) => {
      const r = await op('POST', '/cameras', {
        name,
        rtsp_url: `rtsp://${ip}/live`,
        site_id: site,
        parent_id: sw,
        ...(poe_port ? { poe_port } : {}),
      });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      cams[name] = r.json.id;
    };
    await camera('gate', '192.0.2.21', '1.5');
    await camera('yard', '192.0.2.22', '1.6');
    await camera('dock', '192.0.2.23');
    // Port 1.5 stops delivering a minute after its camera was last seen; 1.6 keeps delivering.
    const port = (p: string, points: [number, number][]) =>
      points.map(([t, value]) => ({
        kind: 'device' as const,
        target: String(sw),
        metric: 'poe_port_delivering',
        labels: { poe_port: p },
        ts: NOW - t * MIN,
        value,
      }));
    await storeSamples(hub.ctx.store, [
      ...port('1.5', [
        [4, 1],
        [3, 1],
        [2, 0],
        [1, 0],
      ]),
      ...port('1.6', [
        [4, 1],
        [3, 1],
        [2, 1],
        [1, 1],
      ]),
    ]);
    for (const id of Object.values(cams)) {
      await hub.ctx.store.cameras.setState({ id, status: 'online', reason: null, ts: NOW - 3 * MIN });
      await hub.ctx.store.cameras.setState({ id, status: 'unreachable', reason: 'timeout', ts: NOW - MIN });
    }
  });
  after(() => hub?.close());

  it('names the port and the switch on the camera whose PoE port dropped as it went offline', async () => {
    const gate = (await op('GET', `/cameras/${cams.gate}`)).json;
    assert.equal(gate.poe_port, '1.5');
    assert.deepEqual(gate.likely_cause, {
      kind: 'poe',
      device_id: sw,
      port: '1.5',
      since: new Date(NOW - 2 * MIN).toISOString(),
      message: `PoE port 1.5 of poe-sw stopped delivering power at ${new Date(NOW - 2 * MIN).toISOString()}`,
    });
  });

  it('names no cause when the port still delivers, or the camera has no PoE port, or is online again', async () => {
    assert.equal((await op('GET', `/cameras/${cams.yard}`)).json.likely_cause, null);
    assert.equal((await op('GET', `/cameras/${cams.dock}`)).json.likely_cause, null);
    await hub.ctx.store.cameras.setState({ id: cams.gate!, status: 'online', reason: null, ts: NOW });
    assert.equal((await op('GET', `/cameras/${cams.gate}`)).json.likely_cause, null);
  });

  it('refuses a PoE port that is not group.port, naming the field', async () => {
    const r = await op('PUT', `/cameras/${cams.dock}`, { poe_port: 'Gi1/0/5' });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.details[0].path, 'body.poe_port');
    assert.equal((await op('PUT', `/cameras/${cams.dock}`, { poe_port: '2.3' })).json.poe_port, '2.3');
  });
});
