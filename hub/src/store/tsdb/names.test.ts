import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { promLabels, promMetricName, selectorOf, seriesFromLabels } from './names.js';

describe('TSDB names', () => {
  it('names a metric outpost_<kind>_<metric> with the unit as a suffix unless the name carries it', () => {
    const cases: [Parameters<typeof promMetricName>, string][] = [
      [['device', 'cpu_load', 'percent'], 'outpost_device_cpu_load_percent'],
      [['device', 'cpu_load', '%'], 'outpost_device_cpu_load_percent'],
      [['device', 'mem_used_percent', 'percent'], 'outpost_device_mem_used_percent'],
      [['device', 'mem_used_bytes', 'bytes'], 'outpost_device_mem_used_bytes'],
      [['device', 'if_in_bps', 'bps'], 'outpost_device_if_in_bps'],
      [['device', 'sys_uptime', 's'], 'outpost_device_sys_uptime_seconds'],
      [['camera', 'stream_fps', 'fps'], 'outpost_camera_stream_fps'],
      [['device', 'if_oper_status', undefined], 'outpost_device_if_oper_status'],
      [['agent', 'cpu.load_1m', undefined], 'outpost_agent_cpu_load_1m'],
      [['device', 'zone_temp', 'Deg C'], 'outpost_device_zone_temp_deg_c'],
    ];
    for (const [args, want] of cases) assert.equal(promMetricName(...args), want, JSON.stringify(args));
  });

  it('reads back exactly what it wrote: metric, unit, target and labels, the site and empty labels aside', () => {
    const cases = [
      {
        kind: 'device',
        target: '12',
        metric: 'if_in_bps',
        unit: 'bps',
        labels: { ifName: 'Gi0/1', index: '3' },
      },
      { kind: 'camera', target: '4', metric: 'stream_fps', unit: 'fps', labels: {} },
      { kind: 'agent', target: 'a-1', metric: 'cpu.load_1m', unit: undefined, labels: {} },
      // Sample labels named like the hub's own are kept apart from them, and come back under their own name.
      {
        kind: 'device',
        target: '9',
        metric: 'x',
        unit: undefined,
        labels: { site: 'north', exported_a: '1' },
      },
    ] as const;
    for (const c of cases) {
      const written = promLabels({ ...c, labels: { ...c.labels, blank: '' }, site: 7 });
      assert.deepEqual(
        written.map((l) => l.name),
        written.map((l) => l.name).sort(),
        'sorted by name, as remote write requires',
      );
      assert.ok(!written.some((l) => l.name === 'blank'), 'an empty label is left out');
      assert.equal(written.find((l) => l.name === 'site')?.value, '7');
      const back = seriesFromLabels(Object.fromEntries(written.map((l) => [l.name, l.value])));
      assert.deepEqual(back, {
        kind: c.kind,
        target: c.target,
        metric: c.metric,
        unit: c.unit ?? null,
        labels: Object.fromEntries(Object.entries(c.labels).sort()),
      });
    }
  });

  it('ignores series the hub did not write', () => {
    assert.equal(seriesFromLabels({ __name__: 'up', job: 'x' }), undefined);
    assert.equal(seriesFromLabels({ __name__: 'outpost_device_x', outpost_metric: 'x' }), undefined);
  });

  it('selects a series by quoted values (a quote or backslash in a label cannot break out)', () => {
    const sel = selectorOf({
      kind: 'device',
      target: '1',
      metric: 'm',
      labels: { descr: 'a"b\\c', site: 's' },
    });
    assert.equal(
      sel,
      '{__name__=~"outpost_device_.+",device="1",outpost_metric="m",descr="a\\"b\\\\c",exported_site="s"}',
    );
  });
});
