import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentEvent, Sample } from '@outpost/protocol';
import { checkOutcome } from './record.js';

const T = Date.UTC(2026, 0, 1);

describe('checkOutcome', () => {
  it('keeps valid rows and replaces invalid ones with one error event naming the first problem', () => {
    const cases: {
      samples: unknown[];
      events: unknown[];
      now: number;
      kept: number;
      dropped: number;
      error: boolean;
    }[] = [
      {
        samples: [{ metric: 'cpu_load', value: 1, ts: T }],
        events: [],
        now: T,
        kept: 1,
        dropped: 0,
        error: false,
      },
      {
        samples: [{ metric: 'cpu_load', value: Number.NaN, ts: T }],
        events: [],
        now: T,
        kept: 0,
        dropped: 1,
        error: true,
      },
      {
        samples: [{ metric: 'cpu_load', value: 1, ts: 1_700_000 }],
        events: [],
        now: T,
        kept: 0,
        dropped: 1,
        error: true,
      },
      {
        samples: [],
        events: [{ type: 'device_state', ts: T, device_id: 1, status: 'sleeping' }],
        now: T,
        kept: 0,
        dropped: 1,
        error: true,
      },
      // A clock before 2000 (no RTC, no NTP yet): the samples go, and so would the error event; nothing invalid enters.
      {
        samples: [{ metric: 'cpu_load', value: 1, ts: 5_000 }],
        events: [],
        now: 5_000,
        kept: 0,
        dropped: 1,
        error: false,
      },
    ];
    for (const c of cases) {
      const r = checkOutcome(
        { samples: c.samples as Sample[], events: c.events as AgentEvent[] },
        c.now,
        'device 1',
      );
      assert.equal(
        r.samples.length + r.events.filter((e) => e.type !== 'error').length,
        c.kept,
        JSON.stringify(c),
      );
      assert.equal(r.dropped, c.dropped, JSON.stringify(c));
      const error = r.events.find((e) => e.type === 'error') as { message?: string } | undefined;
      assert.equal(!!error, c.error, JSON.stringify(c));
      if (error)
        assert.match(error.message ?? '', /^device 1: 1 invalid sample\(s\)\/event\(s\) dropped; first: /);
    }
  });
});
