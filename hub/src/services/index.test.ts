import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import type { HubContext } from '../context.js';
import { createLogger } from '../logger.js';
import { type Service, startServices } from './index.js';

const ctx = { logger: createLogger('silent') } as unknown as HubContext;
const http = { server: createServer() };

function recording(log: string[], name: string, failStart = false): Service {
  return {
    name,
    async start() {
      if (failStart) throw new Error('boom');
      log.push(`start ${name}`);
      return { stop: async () => void log.push(`stop ${name}`) };
    },
  };
}

describe('startServices', () => {
  it('starts in order and stops in reverse', async () => {
    const log: string[] = [];
    const stop = await startServices(ctx, http, [
      recording(log, 'a'),
      recording(log, 'b'),
      recording(log, 'c'),
    ]);
    await stop();
    assert.deepEqual(log, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops the started ones and names the service that failed to start', async () => {
    const log: string[] = [];
    await assert.rejects(
      startServices(ctx, http, [recording(log, 'a'), recording(log, 'b', true), recording(log, 'c')]),
      /service b failed to start: boom/,
    );
    assert.deepEqual(log, ['start a', 'stop a']);
  });
});
