import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeSamples } from '../../store/samples.testing.js';
import { createTestHub, type TestHub } from '../testing.js';
import { boundedStep, MAX_POINTS, MAX_SERIES } from './target-metrics.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('metrics queries are bounded', () => {
  const steps: [string, number, number | null, number | undefined, number, number | null][] = [
    ['raw points that fit: raw', 86_400_000, null, 1440, 5000, null],
    ['too many raw points: averaged', 30 * 86_400_000, null, 43_200, 5000, 519],
    ['a step wide enough: kept', 86_400_000, 300, undefined, 5000, 300],
    ['a 1 s step over 30 days: widened', 30 * 86_400_000, 1, undefined, 5000, 519],
    ['a 1 s step over 10 s: kept', 10_000, 1, undefined, 5000, 1],
    ['many series share the total', 86_400_000, 1, undefined, 500, 173],
  ];
  for (const [name, range, asked, raw, per, want] of steps) {
    it(`step: ${name}`, () => assert.equal(boundedStep(range, asked, raw, per), want));
  }

  let hub: TestHub;
  let id: number;
  const T0 = Date.UTC(2026, 0, 15, 11, 0, 0);
  const get = async (query: string) => {
    const res = await hub.req('GET', `/api/v1/devices/${id}/metrics?${query}`, { token: hub.tokens.viewer });
    return { status: res.status, json: (await res.json()) as Json };
  };
  before(async () => {
    hub = await createTestHub();
    const site = await hub.req('POST', '/api/v1/sites', { token: hub.tokens.admin, body: { name: 'm' } });
    assert.equal(site.status, 201);
    const d = await hub.req('POST', '/api/v1/devices', {
      token: hub.tokens.admin,
      body: {
        name: 'sw',
        ip_address: '192.0.2.1',
        site_id: 1,
        snmp: { version: '2c', community: 'c0mmunity' },
      },
    });
    id = ((await d.json()) as Json).id;
    const key = { kind: 'device', target: String(id), unit: 'bps' } as const;
    await storeSamples(hub.ctx.store, [
      // One sample per minute for 3 h: more than a 1 s step's worth is never returned.
      ...Array.from({ length: 180 }, (_, i) => ({ ...key, metric: 'cpu', ts: T0 + i * 60_000, value: i })),
      // One sample every 10 s, more than MAX_POINTS of them: a query without step must not return them all.
      ...Array.from({ length: MAX_POINTS + 1000 }, (_, i) => ({
        ...key,
        metric: 'mem',
        ts: T0 + i * 10_000,
        value: i,
      })),
      // One sample for each of 150 interfaces.
      ...Array.from({ length: MAX_SERIES + 50 }, (_, i) => ({
        ...key,
        metric: 'if_in_bps',
        labels: { ifName: `Gi0/${i}` },
        ts: T0,
        value: i,
      })),
    ]);
  });
  after(() => hub.close());

  it('widens a step too fine for the range, and says so in step_s', async () => {
    const from = (T0 - 30 * 86_400_000) / 1000;
    const r = await get(`name=cpu&from=${from}&to=${(T0 + 3 * 3_600_000) / 1000}&step=1`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.ok(r.json.step_s >= Math.ceil((30 * 86_400 + 3 * 3600) / MAX_POINTS), `step_s ${r.json.step_s}`);
    assert.ok(r.json.points.length <= MAX_POINTS);
  });

  it('averages raw points beyond MAX_POINTS also when no step is asked', async () => {
    const to = T0 + (MAX_POINTS + 1000) * 10_000;
    const r = await get(`name=mem&from=${T0 / 1000}&to=${to / 1000}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.ok(r.json.step_s !== null, 'a step was chosen');
    assert.ok(r.json.points.length <= MAX_POINTS, `${r.json.points.length} points`);
    assert.ok(r.json.points.length > MAX_POINTS / 2, `${r.json.points.length} points: still the whole range`);
  });

  it('keeps a step that is wide enough', async () => {
    const r = await get(`name=cpu&from=${T0 / 1000}&to=${(T0 + 3 * 3_600_000) / 1000}&step=10m`);
    assert.equal(r.json.step_s, 600);
    assert.equal(r.json.points.length, 18);
  });

  it('starts a range from 1970 at the oldest history the hub keeps', async () => {
    const to = T0 + 3 * 3_600_000;
    const r = await get(`name=cpu&from=0&to=${to / 1000}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.from, to - 91 * 86_400_000, 'retentionRollupDays (90) plus a day');
    assert.equal(r.json.points.length, 180, 'the raw points: they fit');
    assert.equal(r.json.step_s, null);
    const stepped = await get(`name=cpu&from=0&to=${to / 1000}&step=1`);
    assert.equal(
      stepped.json.step_s,
      Math.ceil((91 * 86_400) / MAX_POINTS),
      'widened for 91 days, not 56 years',
    );
  });

  it('refuses a query over more than MAX_SERIES series, and serves a narrowed one', async () => {
    const r = await get('name=if_in_bps');
    assert.equal(r.status, 400);
    assert.equal(r.json.error.details[0].path, 'query.labels');
    const one = await get(`name=if_in_bps&labels=ifName=Gi0/7&from=${T0 / 1000 - 60}&to=${T0 / 1000 + 60}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.json.points, [{ t: T0, v: 7 }]);
  });
});
