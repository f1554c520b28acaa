import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertInput } from '../types.js';
import { deviceRebooted, isReboot, UPTIME_WRAP_S } from './device-rebooted.js';
import { type AnyRuleKind, registry } from './index.js';
import { interfaceDown } from './interface-down.js';
import { at, runRule, sample, T0, tick } from './testing.js';
import { threshold } from './threshold.js';

const ifs = (s: number, idx: string, admin: number, oper: number): AlertInput[] => [
  sample(s, 'if_admin_status', admin, { labels: { if_index: idx, if_name: `Gi0/${idx}` } }),
  sample(s, 'if_oper_status', oper, { labels: { if_index: idx, if_name: `Gi0/${idx}` } }),
];

const cases: {
  name: string;
  kind: AnyRuleKind;
  params?: Record<string, unknown>;
  inputs: AlertInput[];
  trace: string[];
}[] = [
  {
    name: 'interface-down fires when an up, admin-up interface goes down and clears when it is back',
    kind: interfaceDown,
    inputs: [...ifs(0, '1', 1, 1), ...ifs(60, '1', 1, 2), ...ifs(120, '1', 1, 2), ...ifs(180, '1', 1, 1)],
    trace: [`fire device:7:if:1@${at(60)}`, `clear device:7:if:1@${at(180)}`],
  },
  {
    name: 'interface-down ignores admin-down interfaces',
    kind: interfaceDown,
    inputs: [...ifs(0, '2', 1, 1), ...ifs(60, '2', 2, 2), ...ifs(120, '2', 2, 2)],
    trace: [],
  },
  {
    name: 'interface-down resolves when an operator shuts the interface down',
    kind: interfaceDown,
    inputs: [...ifs(0, '3', 1, 1), ...ifs(60, '3', 1, 2), ...ifs(120, '3', 2, 2)],
    trace: [`fire device:7:if:3@${at(60)}`, `clear device:7:if:3@${at(120)}`],
  },
  {
    name: 'interface-down ignores ports never seen up (unused access ports)',
    kind: interfaceDown,
    inputs: [...ifs(0, '4', 1, 2), ...ifs(60, '4', 1, 2)],
    trace: [],
  },
  {
    name: 'interface-down counts lowerLayerDown (7) as down but not dormant (5)',
    kind: interfaceDown,
    inputs: [...ifs(0, '5', 1, 1), ...ifs(60, '5', 1, 5), ...ifs(120, '5', 1, 7)],
    trace: [`fire device:7:if:5@${at(120)}`],
  },
  {
    name: 'interface-down with for_s waits and fires on a tick',
    kind: interfaceDown,
    params: { for_s: 90 },
    inputs: [...ifs(0, '6', 1, 1), ...ifs(60, '6', 1, 2), tick(120), tick(150)],
    trace: [`fire device:7:if:6@${at(150)}`],
  },
  {
    name: 'device-rebooted fires on the ingest event and on uptime going backwards, once per reboot',
    kind: deviceRebooted,
    inputs: [
      sample(0, 'sys_uptime', 1000),
      sample(60, 'sys_uptime', 1060),
      sample(120, 'sys_uptime', 30),
      {
        kind: 'device.rebooted',
        device_id: 7,
        site_id: 1,
        uptime_s: 30,
        previous_uptime_s: 1060,
        ts: T0 + 121_000,
      },
      sample(180, 'sys_uptime', 90),
      tick(3000),
      tick(3720),
    ],
    trace: [`fire device:7@${at(120)}`, `clear device:7@${at(3720)} quiet`],
  },
  {
    name: 'device-rebooted counts a reboot during an outage (uptime grew less than the time elapsed)',
    kind: deviceRebooted,
    inputs: [sample(0, 'sys_uptime', 1000), sample(3600, 'sys_uptime', 2000)],
    trace: [`fire device:7@${at(3600)}`],
  },
  {
    name: 'device-rebooted ignores the 497-day TimeTicks wrap',
    kind: deviceRebooted,
    inputs: [sample(0, 'sys_uptime', UPTIME_WRAP_S - 30), sample(60, 'sys_uptime', 30)],
    trace: [],
  },
  {
    name: 'threshold fires above the threshold and resolves only below the recovery threshold',
    kind: threshold,
    params: { metric: 'cpu_load', comparison: '>', threshold: 90, recovery_threshold: 80 },
    inputs: [
      sample(0, 'cpu_load', 50),
      sample(60, 'cpu_load', 95),
      sample(120, 'cpu_load', 85),
      sample(180, 'cpu_load', 92),
      sample(240, 'cpu_load', 80),
    ],
    trace: [`fire device:7@${at(60)}`, `clear device:7@${at(240)}`],
  },
  {
    name: 'threshold with for_s needs the condition to hold for the whole duration',
    kind: threshold,
    params: { metric: 'cpu_load', comparison: '>=', threshold: 90, for_s: 120 },
    inputs: [
      sample(0, 'cpu_load', 95),
      sample(60, 'cpu_load', 95),
      sample(90, 'cpu_load', 10),
      sample(120, 'cpu_load', 95),
      sample(180, 'cpu_load', 95),
      sample(240, 'cpu_load', 95),
    ],
    trace: [`fire device:7@${at(240)}`],
  },
  {
    name: 'threshold below comparisons (low UPS battery) with hysteresis upwards',
    kind: threshold,
    params: { metric: 'battery_percent', comparison: '<', threshold: 20, recovery_threshold: 30 },
    inputs: [
      sample(0, 'battery_percent', 19),
      sample(60, 'battery_percent', 25),
      sample(120, 'battery_percent', 31),
    ],
    trace: [`fire device:7@${at(0)}`, `clear device:7@${at(120)}`],
  },
  {
    name: 'threshold scope by site, device type and device; labels keep targets apart',
    kind: threshold,
    params: {
      metric: 'if_in_bps',
      comparison: '>',
      threshold: 100,
      scope: { type: 'device_type', value: 'switch' },
    },
    inputs: [
      sample(0, 'if_in_bps', 500, { device_type: 'router' }),
      sample(0, 'if_in_bps', 500, { device_type: 'switch', labels: { if_index: '1' } }),
      sample(0, 'if_in_bps', 500, { device_type: 'switch', labels: { if_index: '2' } }),
      sample(60, 'if_in_bps', 5, { device_type: 'switch', labels: { if_index: '1' } }),
    ],
    trace: [
      `fire device:7{if_index=1}@${at(0)}`,
      `fire device:7{if_index=2}@${at(0)}`,
      `clear device:7{if_index=1}@${at(60)}`,
    ],
  },
  {
    name: 'threshold scoped to a site ignores other sites',
    kind: threshold,
    params: { metric: 'cpu_load', comparison: '>', threshold: 90, scope: { type: 'site', id: 2 } },
    inputs: [
      sample(0, 'cpu_load', 99, { site_id: 1 }),
      sample(0, 'cpu_load', 99, { site_id: 2, device_id: 8 }),
    ],
    trace: [`fire device:8@${at(0)}`],
  },
];

describe('metric rule kinds', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(runRule(c.kind, c.params ?? {}, c.inputs).trace, c.trace));
  }

  it('threshold refuses a recovery threshold on the wrong side', () => {
    const r = threshold.params.safeParse({
      metric: 'cpu_load',
      comparison: '>',
      threshold: 90,
      recovery_threshold: 95,
    });
    assert.equal(r.success, false);
    assert.match(JSON.stringify(r.error?.issues), /recovery_threshold/);
  });

  it('isReboot compares against the uptime expected after the elapsed time', () => {
    const table: [number, number, number, number, boolean][] = [
      [1000, 0, 1060, 60_000, false],
      [1000, 0, 5, 60_000, true],
      [1000, 0, 1055, 60_000, false], // jitter
      [UPTIME_WRAP_S - 10, 0, 50, 60_000, false], // wrap
      [UPTIME_WRAP_S - 10, 0, 5000, 60_000, true], // not the wrap value
    ];
    for (const [prev, prevTs, up, ts, expected] of table) {
      assert.equal(isReboot(prev, T0 + prevTs, up, T0 + ts), expected, `${prev} -> ${up}`);
    }
  });

  it('the registry rejects two kinds with the same name', () => {
    assert.throws(() => registry([threshold, threshold]), /duplicate alert rule kind name: threshold/);
  });
});
