import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertInput, RuleState } from '../types.js';
import { agentOffline } from './agent-offline.js';
import { bufferDrop } from './buffer-drop.js';
import { cameraAuthFailed } from './camera-auth-failed.js';
import { cameraDegraded } from './camera-degraded.js';
import { cameraDown } from './camera-down.js';
import { deviceUnreachable } from './device-unreachable.js';
import type { AnyRuleKind } from './index.js';
import { snmpAuthFailure } from './snmp-auth-failure.js';
import { agent, at, cam, dev, runRule, sample, T0, tick } from './testing.js';

const agentEvent = (s: number, event: Record<string, unknown>): AlertInput => ({
  kind: 'agent.event',
  agent_id: 'a1',
  site_id: 1,
  event: { ts: T0 + s * 1000, ...event } as never,
});

const cases: {
  name: string;
  kind: AnyRuleKind;
  params?: Record<string, unknown>;
  inputs: AlertInput[];
  trace: string[];
}[] = [
  {
    name: 'device-unreachable fires at once by default and clears when the device answers',
    kind: deviceUnreachable,
    inputs: [
      dev(1, 'online', 0, 'unknown'),
      dev(1, 'unreachable', 10),
      tick(20),
      dev(1, 'online', 70, 'unreachable'),
    ],
    trace: [`fire device:1@${at(10)}`, `clear device:1@${at(70)}`],
  },
  {
    name: 'device-unreachable with for_s fires on the tick after the duration, without new data',
    kind: deviceUnreachable,
    params: { for_s: 60 },
    inputs: [dev(1, 'unreachable', 0), tick(30), tick(59), tick(60), tick(61)],
    trace: [`fire device:1@${at(60)}`],
  },
  {
    name: 'device-unreachable that recovers within for_s never fires',
    kind: deviceUnreachable,
    params: { for_s: 60 },
    inputs: [dev(1, 'unreachable', 0), tick(30), dev(1, 'online', 40), tick(90)],
    trace: [],
  },
  {
    name: 'device-unreachable ignores auth failures (another rule) and other devices stay independent',
    kind: deviceUnreachable,
    inputs: [dev(1, 'auth_failed', 0), dev(2, 'unreachable', 1), dev(1, 'online', 2), dev(2, 'online', 3)],
    trace: [`fire device:2@${at(1)}`, `clear device:2@${at(3)}`],
  },
  {
    name: 'device-unreachable leaves a device whose status follows its checks to check-down, and closes an old alert',
    kind: deviceUnreachable,
    inputs: [
      dev(3, 'unreachable', 0),
      { ...dev(3, 'unreachable', 5), via: 'checks' } as AlertInput,
      { ...dev(4, 'unreachable', 6), via: 'checks' } as AlertInput,
    ],
    trace: [`fire device:3@${at(0)}`, `clear device:3@${at(5)}`],
  },
  {
    name: 'device-unreachable restored from an open alert clears when the device answers',
    kind: deviceUnreachable,
    inputs: [dev(5, 'online', 0, 'unreachable')],
    trace: [`clear device:5@${at(0)}`],
  },
  {
    name: 'agent-offline fires on the will and clears when the agent is back',
    kind: agentOffline,
    inputs: [agent('a1', 'online', 0), agent('a1', 'offline', 45, 'will'), agent('a1', 'online', 300)],
    trace: [`fire agent:a1@${at(45)}`, `clear agent:a1@${at(300)}`],
  },
  {
    name: 'agent-offline with silence_s fires when an agent that sent data falls silent, clears on data',
    kind: agentOffline,
    params: { silence_s: 120 },
    inputs: [sample(0, 'cpu_load', 1), tick(60), tick(119), tick(121), tick(200), sample(210, 'cpu_load', 1)],
    trace: [`fire agent:a1@${at(121)}`, `clear agent:a1@${at(210)}`],
  },
  {
    name: 'agent-offline resolves when the agent is revoked (gone on purpose)',
    kind: agentOffline,
    inputs: [
      agent('a1', 'offline', 0, 'heartbeat'),
      agent('a1', 'offline', 60, 'revoked'),
      agent('a2', 'offline', 61, 'revoked'),
    ],
    trace: [`fire agent:a1@${at(0)}`, `clear agent:a1@${at(60)}`],
  },
  {
    name: 'agent-offline silence is off by default',
    kind: agentOffline,
    inputs: [sample(0, 'cpu_load', 1), tick(10_000)],
    trace: [],
  },
  {
    name: 'camera-down fires on unreachable and clears on online',
    kind: cameraDown,
    inputs: [cam(3, 'unreachable', 0), cam(3, 'online', 30)],
    trace: [`fire camera:3@${at(0)}`, `clear camera:3@${at(30)}`],
  },
  {
    name: 'camera-degraded waits two minutes by default',
    kind: cameraDegraded,
    inputs: [cam(3, 'degraded', 0), tick(60), tick(119), tick(120), cam(3, 'online', 200)],
    trace: [`fire camera:3@${at(120)}`, `clear camera:3@${at(200)}`],
  },
  {
    name: 'camera-degraded clears when the camera goes down (the stream-down alert takes over)',
    kind: cameraDegraded,
    params: { for_s: 0 },
    inputs: [cam(3, 'degraded', 0), cam(3, 'unreachable', 10)],
    trace: [`fire camera:3@${at(0)}`, `clear camera:3@${at(10)}`],
  },
  {
    name: 'camera-auth-failed fires on refused credentials',
    kind: cameraAuthFailed,
    inputs: [cam(3, 'auth_failed', 0), cam(3, 'auth_failed', 60), cam(3, 'online', 90)],
    trace: [`fire camera:3@${at(0)}`, `clear camera:3@${at(90)}`],
  },
  {
    name: 'snmp-auth-failure fires on an auth_failed status and on an agent auth error event',
    kind: snmpAuthFailure,
    inputs: [
      dev(1, 'auth_failed', 0),
      agentEvent(5, { type: 'error', code: 'snmp_auth', message: 'wrong digest', device_id: 2 }),
      agentEvent(6, { type: 'error', code: 'timeout', message: 'no answer', device_id: 3 }),
      dev(1, 'online', 30),
      dev(2, 'online', 31),
    ],
    trace: [
      `fire device:1@${at(0)}`,
      `fire device:2@${at(5)}`,
      `clear device:1@${at(30)}`,
      `clear device:2@${at(31)}`,
    ],
  },
  {
    name: 'buffer-drop fires on every drop and resolves quietly after an hour without drops',
    kind: bufferDrop,
    inputs: [
      agentEvent(0, { type: 'buffer_drop', dropped: 10, total_dropped: 10 }),
      agentEvent(600, { type: 'buffer_drop', dropped: 5, total_dropped: 15 }),
      tick(3000),
      tick(4200),
    ],
    trace: [`fire agent:a1@${at(0)}`, `fire agent:a1@${at(600)}`, `clear agent:a1@${at(4200)} quiet`],
  },
];

describe('status rule kinds', () => {
  for (const c of cases) {
    it(c.name, () => {
      const initial: RuleState = c.name.includes('restored')
        ? { 'device:5': { firing: true, target: { key: 'device:5', device_id: 5 } } }
        : {};
      assert.deepEqual(runRule(c.kind, c.params ?? {}, c.inputs, initial).trace, c.trace);
    });
  }

  it('rejects unknown and out-of-range parameters', () => {
    assert.throws(() => deviceUnreachable.params.parse({ for_s: -1 }));
    assert.throws(() => agentOffline.params.parse({ silence: 5 }));
  });
});
