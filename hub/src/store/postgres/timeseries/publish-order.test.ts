import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PublishOrder } from './publish-order.js';

type Step = ['written' | 'ready' | 'dropped', number];

describe('PublishOrder', () => {
  const cases: { name: string; steps: Step[]; published: number[] }[] = [
    {
      name: 'publishes records committed in id order at once',
      steps: [
        ['written', 1],
        ['ready', 1],
        ['written', 2],
        ['ready', 2],
      ],
      published: [1, 2],
    },
    {
      name: 'holds a record whose lower neighbour is still in flight, then publishes both in order',
      steps: [
        ['written', 1],
        ['written', 2],
        ['ready', 2],
        ['ready', 1],
      ],
      published: [1, 2],
    },
    {
      name: 'a rolled-back record releases the ones above it',
      steps: [
        ['written', 3],
        ['written', 4],
        ['written', 5],
        ['ready', 5],
        ['ready', 4],
        ['dropped', 3],
      ],
      published: [4, 5],
    },
    {
      name: 'a record not in flight is published at once, whatever is in flight above it',
      steps: [
        ['written', 8],
        ['ready', 7],
      ],
      published: [7],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const order = new PublishOrder();
      const published: number[] = [];
      for (const [op, id] of c.steps) {
        if (op === 'written') order.written(id);
        else if (op === 'ready') order.ready(id, () => published.push(id));
        else order.dropped(id);
      }
      assert.deepEqual(published, c.published);
    });
  }
});
