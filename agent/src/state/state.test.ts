import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StateTracker } from './state.js';

const T = Date.UTC(2026, 0, 1);
const device = { id: 7, name: 'core-sw', address: '192.0.2.10:161', interval_s: 60 };
const result = (status: string) => ({ status, samples: 0 });

describe('StateTracker', () => {
  it('reports a status change, but not the first result nor a repeat', () => {
    const tracker = new StateTracker();
    tracker.setTargets('devices', [device]);
    const cases: [string, boolean][] = [
      ['online', false], // first result: nothing to compare with
      ['online', false],
      ['unreachable', true],
      ['unreachable', false],
      ['online', true],
    ];
    for (const [status, changed] of cases) {
      assert.equal(tracker.record('devices', 7, result(status), T), changed, status);
    }
    assert.equal(tracker.lists().devices[0]?.last?.status, 'online');
  });

  it('ignores a target that is not in the config', () => {
    const tracker = new StateTracker();
    tracker.setTargets('devices', [device]);
    assert.equal(tracker.record('devices', 99, result('online'), T), false);
    assert.equal(tracker.record('checks', 7, result('up'), T), false);
    assert.equal(tracker.lists().devices.length, 1);
  });

  it('keeps the last result of a target that stays in a new config, per list', () => {
    const tracker = new StateTracker();
    tracker.setTargets('devices', [device]);
    tracker.setTargets('checks', [{ id: 7, name: 'web (http)', address: 'https://nvr/', interval_s: 30 }]);
    tracker.record('devices', 7, result('online'), T);
    tracker.record('checks', 7, { status: 'down', error: 'status 503 not in 200-399', samples: 2 }, T);
    tracker.setTargets('devices', [{ ...device, name: 'renamed' }]);
    const lists = tracker.lists();
    assert.equal(lists.devices[0]?.name, 'renamed');
    assert.equal(lists.devices[0]?.last?.status, 'online');
    assert.equal(lists.checks[0]?.last?.error, 'status 503 not in 200-399');
    assert.deepEqual(lists.cameras, []);
  });
});
