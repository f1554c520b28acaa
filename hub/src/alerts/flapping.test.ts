import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlapState, NOT_FLAPPING, recordTransition, settleFlap } from './flapping.js';

const cfg = { windowMs: 600_000, threshold: 4 };
const min = (m: number) => m * 60_000;

describe('flap damping', () => {
  const table: { name: string; steps: ['t' | 's', number][]; flapping: boolean }[] = [
    {
      name: 'three transitions in the window are not flapping',
      steps: [
        ['t', 0],
        ['t', min(1)],
        ['t', min(2)],
      ],
      flapping: false,
    },
    {
      name: 'four transitions in the window are flapping',
      steps: [
        ['t', 0],
        ['t', min(1)],
        ['t', min(2)],
        ['t', min(3)],
      ],
      flapping: true,
    },
    {
      name: 'four transitions spread over more than the window are not',
      steps: [
        ['t', 0],
        ['t', min(4)],
        ['t', min(8)],
        ['t', min(12)],
      ],
      flapping: false,
    },
    {
      name: 'a flapping alert stays flapping while transitions continue',
      steps: [
        ['t', 0],
        ['t', min(1)],
        ['t', min(2)],
        ['t', min(3)],
        ['s', min(9)],
        ['t', min(12)],
        ['s', min(20)],
      ],
      flapping: true,
    },
    {
      name: 'a flapping alert calms down after a whole window without transitions',
      steps: [
        ['t', 0],
        ['t', min(1)],
        ['t', min(2)],
        ['t', min(3)],
        ['s', min(12)],
        ['s', min(13)],
      ],
      flapping: false,
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      let s: FlapState = NOT_FLAPPING;
      for (const [op, ts] of c.steps) s = op === 't' ? recordTransition(s, ts, cfg) : settleFlap(s, ts, cfg);
      assert.equal(s.flapping, c.flapping);
    });
  }
});
