import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChannelHistory, type EffectiveRoute, type PlanAlert, planNotices } from './plan.js';

const NOW = 10_000_000;
const alert = (over: Partial<PlanAlert> = {}): PlanAlert => ({
  id: 1,
  rule: 'device-unreachable',
  severity: 'high',
  state: 'open',
  opened_at: NOW - 60_000,
  site_id: 1,
  device_id: 7,
  camera_id: null,
  flapping: false,
  muted: false,
  acknowledged: false,
  recovery_handled: false,
  ...over,
});
const route = (channel_id: number, over: Partial<EffectiveRoute> = {}): EffectiveRoute => ({
  channel_id,
  severities: null,
  min_severity: 'info',
  scope: { type: 'all' },
  rules: null,
  delay_s: 0,
  repeat_interval_s: 3600,
  ...over,
});
const hist = (entries: [number, ChannelHistory][]) => new Map(entries);

describe('notification planning', () => {
  const table: {
    name: string;
    a: PlanAlert;
    routes: EffectiveRoute[];
    history?: [number, ChannelHistory][];
    expect: string[];
  }[] = [
    {
      name: 'a new alert goes to every matching channel',
      a: alert(),
      routes: [route(1), route(2)],
      expect: ['1:problem', '2:problem'],
    },
    {
      name: 'min severity filters',
      a: alert({ severity: 'low' }),
      routes: [route(1, { min_severity: 'high' }), route(2)],
      expect: ['2:problem'],
    },
    {
      name: 'explicit severities filter',
      a: alert(),
      routes: [route(1, { severities: ['critical'] })],
      expect: [],
    },
    {
      name: 'scope filters',
      a: alert(),
      routes: [route(1, { scope: { type: 'site', id: 2 } }), route(2, { scope: { type: 'site', id: 1 } })],
      expect: ['2:problem'],
    },
    { name: 'rules filter', a: alert(), routes: [route(1, { rules: ['agent-offline'] })], expect: [] },
    {
      name: 'nothing before the settle time',
      a: alert({ opened_at: NOW - 100 }),
      routes: [route(1)],
      expect: [],
    },
    {
      name: 'muted (suppressed or in maintenance) alerts are not notified',
      a: alert({ muted: true }),
      routes: [route(1)],
      expect: [],
    },
    {
      name: 'an escalation route waits for its delay',
      a: alert(),
      routes: [route(1, { delay_s: 600 })],
      expect: [],
    },
    {
      name: 'an escalation route fires after its delay',
      a: alert({ opened_at: NOW - 601_000 }),
      routes: [route(1, { delay_s: 600 })],
      expect: ['1:problem'],
    },
    {
      name: 'acknowledged alerts do not escalate',
      a: alert({ opened_at: NOW - 601_000, acknowledged: true }),
      routes: [route(1, { delay_s: 600 })],
      expect: [],
    },
    {
      name: 'an already notified alert is not notified again',
      a: alert(),
      routes: [route(1)],
      history: [[1, [{ kind: 'problem', at: NOW - 1000 }]]],
      expect: [],
    },
    {
      name: 'repeat after the interval',
      a: alert(),
      routes: [route(1)],
      history: [[1, [{ kind: 'problem', at: NOW - 3_600_000 }]]],
      expect: ['1:repeat'],
    },
    {
      name: 'no repeat when acknowledged',
      a: alert({ acknowledged: true }),
      routes: [route(1)],
      history: [[1, [{ kind: 'problem', at: NOW - 3_600_000 }]]],
      expect: [],
    },
    {
      name: 'no repeat when the interval is 0',
      a: alert(),
      routes: [route(1, { repeat_interval_s: 0 })],
      history: [[1, [{ kind: 'problem', at: 0 }]]],
      expect: [],
    },
    {
      name: 'recovery to channels told about the problem only',
      a: alert({ state: 'resolved' }),
      routes: [route(1), route(2)],
      history: [[1, [{ kind: 'problem', at: 0 }]]],
      expect: ['1:recovery'],
    },
    {
      name: 'no recovery for a problem never notified (began in maintenance)',
      a: alert({ state: 'resolved' }),
      routes: [route(1)],
      expect: [],
    },
    {
      name: 'no recovery for a quiet resolution',
      a: alert({ state: 'resolved', recovery_handled: true }),
      routes: [route(1)],
      history: [[1, [{ kind: 'problem', at: 0 }]]],
      expect: [],
    },
    {
      name: 'a flapping alert gets one flapping notice',
      a: alert({ flapping: true }),
      routes: [route(1)],
      history: [
        [
          1,
          [
            { kind: 'problem', at: 0 },
            { kind: 'recovery', at: 1 },
            { kind: 'problem', at: 2 },
          ],
        ],
      ],
      expect: ['1:flapping'],
    },
    {
      name: 'and no more while flapping',
      a: alert({ flapping: true, state: 'resolved' }),
      routes: [route(1)],
      history: [
        [
          1,
          [
            { kind: 'problem', at: 0 },
            { kind: 'flapping', at: 3 },
          ],
        ],
      ],
      expect: [],
    },
    {
      name: 'after flapping, the current state is notified',
      a: alert({ state: 'resolved' }),
      routes: [route(1)],
      history: [
        [
          1,
          [
            { kind: 'problem', at: 0 },
            { kind: 'flapping', at: 3 },
          ],
        ],
      ],
      expect: ['1:recovery'],
    },
    {
      name: 'reopened after a recovery: a new problem notice',
      a: alert(),
      routes: [route(1)],
      history: [
        [
          1,
          [
            { kind: 'problem', at: 0 },
            { kind: 'recovery', at: 1 },
          ],
        ],
      ],
      expect: ['1:problem'],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const got = planNotices(c.a, c.routes, hist(c.history ?? []), NOW, 500).map(
        (p) => `${p.channel_id}:${p.kind}`,
      );
      assert.deepEqual(got, c.expect);
    });
  }
});
