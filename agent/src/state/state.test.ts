import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConfigMessage, ConfigSchema } from '@outpost/protocol';
import { EXAMPLES } from '@outpost/protocol/testing';
import { StateTracker } from './state.js';

const config: ConfigMessage = ConfigSchema.parse(EXAMPLES.config);
const T = Date.UTC(2026, 0, 1);
const outcome = (status: 'online' | 'unreachable') => ({
  samples: [],
  events: [{ type: 'device_state' as const, ts: T, device_id: 7, status }],
});

describe('StateTracker', () => {
  it('reports a status change, but not the first result nor a repeat', () => {
    const tracker = new StateTracker();
    tracker.setTargets(config);
    const cases: ['online' | 'unreachable', boolean][] = [
      ['online', false], // first result: nothing to compare with
      ['online', false],
      ['unreachable', true],
      ['unreachable', false],
      ['online', true],
    ];
    for (const [status, changed] of cases) {
      assert.equal(tracker.record('device', 7, outcome(status), T), changed, status);
    }
    assert.equal(tracker.lists().devices[0]?.last?.status, 'online');
  });

  it('ignores a target that is not in the config', () => {
    const tracker = new StateTracker();
    tracker.setTargets(config);
    assert.equal(tracker.record('device', 99, outcome('online'), T), false);
    assert.equal(tracker.lists().devices.length, 1);
  });
});
