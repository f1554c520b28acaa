import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POE_WINDOW_MS, poeDropAt } from './poe.js';

const at = (pairs: [number, number][]) => pairs.map(([t, v]) => ({ t, v }));
const T = 1_700_000_000_000;
const MIN = 60_000;

describe('poeDropAt', () => {
  const cases: { name: string; points: [number, number][]; offlineAt: number; want: number | undefined }[] = [
    {
      name: 'a port that stops delivering a minute before the camera goes offline',
      points: [
        [T - 3 * MIN, 1],
        [T - 2 * MIN, 1],
        [T - MIN, 0],
        [T, 0],
      ],
      offlineAt: T,
      want: T - MIN,
    },
    {
      name: 'the drop seen at the next poll after the camera went offline',
      points: [
        [T - MIN, 1],
        [T + 2 * MIN, 0],
      ],
      offlineAt: T,
      want: T + 2 * MIN,
    },
    {
      name: 'a port still delivering',
      points: [
        [T - MIN, 1],
        [T, 1],
      ],
      offlineAt: T,
      want: undefined,
    },
    {
      name: 'a port delivering again (the camera is off for another reason)',
      points: [
        [T - 2 * MIN, 1],
        [T - MIN, 0],
        [T, 1],
      ],
      offlineAt: T,
      want: undefined,
    },
    {
      name: 'never seen delivering',
      points: [
        [T - MIN, 0],
        [T, 0],
      ],
      offlineAt: T,
      want: undefined,
    },
    {
      name: 'a drop long before the camera went offline',
      points: [
        [T - POE_WINDOW_MS - 2 * MIN, 1],
        [T - POE_WINDOW_MS - MIN, 0],
        [T, 0],
      ],
      offlineAt: T,
      want: undefined,
    },
    { name: 'no points', points: [], offlineAt: T, want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(poeDropAt(at(c.points), c.offlineAt), c.want));
});
