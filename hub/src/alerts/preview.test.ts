import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ReplaySeries, replayRule } from './preview.js';
import { ThresholdParams, threshold } from './rules/threshold.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function series(values: number[], o: Partial<ReplaySeries> = {}): ReplaySeries {
  return {
    target_kind: 'device',
    target_id: '7',
    site_id: 3,
    device_type: 'switch',
    metric: 'cpu_load',
    unit: 'percent',
    labels: {},
    points: values.map((v, i) => ({ t: T0 + i * MIN, v })),
    ...o,
  };
}

function rule(params: Record<string, unknown>) {
  return { key: 'preview', name: 'CPU', severity: 'high' as const, params: ThresholdParams.parse(params) };
}

describe('rule preview (replay with the engine rule kind)', () => {
  const cases: {
    name: string;
    params: Record<string, unknown>;
    series: ReplaySeries[];
    episodes: [number, number | null][];
  }[] = [
    {
      name: 'fires on each crossing and resolves when it clears',
      params: { metric: 'cpu_load', comparison: '>', threshold: 90 },
      series: [series([10, 95, 96, 20, 30, 99, 10])],
      episodes: [
        [1, 3],
        [5, 6],
      ],
    },
    {
      name: 'for_s: a spike shorter than the duration never fires',
      params: { metric: 'cpu_load', comparison: '>', threshold: 90, for_s: 120 },
      series: [series([95, 10, 95, 95, 95, 10])],
      episodes: [[4, 5]],
    },
    {
      name: 'hysteresis: stays open until the recovery threshold',
      params: { metric: 'cpu_load', comparison: '>', threshold: 90, recovery_threshold: 50 },
      series: [series([95, 80, 60, 40, 95])],
      episodes: [
        [0, 3],
        [4, null],
      ],
    },
    {
      name: 'scope: another site sees nothing',
      params: { metric: 'cpu_load', comparison: '>', threshold: 90, scope: { type: 'site', id: 9 } },
      series: [series([95, 95])],
      episodes: [],
    },
    {
      name: 'labels: only the matching interface',
      params: { metric: 'cpu_load', comparison: '>', threshold: 90, labels: { if_name: 'Gi0/1' } },
      series: [
        series([95, 10], { labels: { if_name: 'Gi0/1' } }),
        series([95, 95], { labels: { if_name: 'Gi0/2' } }),
      ],
      episodes: [[0, 1]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = replayRule(threshold, rule(c.params), c.series);
      assert.deepEqual(
        r.episodes.map((e) => [
          (e.opened_at - T0) / MIN,
          e.resolved_at === null ? null : (e.resolved_at - T0) / MIN,
        ]),
        c.episodes,
      );
      assert.equal(
        r.samples,
        c.series.reduce((n, s) => n + s.points.length, 0),
      );
    });
  }

  it('keeps one target per labelled series and names the device in the title', () => {
    const r = replayRule(threshold, rule({ metric: 'cpu_load', comparison: '>=', threshold: 1 }), [
      series([1], { labels: { sensor: 'a' } }),
      series([1], { labels: { sensor: 'b' } }),
    ]);
    assert.deepEqual(
      r.episodes.map((e) => e.key),
      ['device:7{sensor=a}', 'device:7{sensor=b}'],
    );
    assert.match(r.episodes[0]!.title, /\{\{device:7\}\}/);
    assert.equal(r.episodes[0]!.device_id, 7);
  });
});
