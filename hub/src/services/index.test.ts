import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import type { HubContext } from '../context.js';
import { createLogger } from '../logger.js';
import { UpgradeRoutes } from '../net/upgrades.js';
import { type Service, startServices } from './index.js';

const ctx = { logger: createLogger('silent') } as unknown as HubContext;
const server = createServer();
const http = { server, upgrades: new UpgradeRoutes(server) };

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

describe('sessions service', () => {
  it('prunes refresh tokens expired for more than a week on start', async () => {
    const { openSqliteStore } = await import('../store/sqlite/index.js');
    const { sessionsService } = await import('./sessions.js');
    const store = openSqliteStore(':memory:');
    const day = 24 * 3600 * 1000;
    const now = 100 * day;
    const u = await store.users.insert({ username: 'u', role: 'viewer', password_hash: 'x' }, 0);
    for (const [hash, expires] of [
      ['old', now - 8 * day],
      ['recent', now - 1 * day],
      ['live', now + day],
    ] as const) {
      await store.sessions.insert({
        user_id: u.id,
        family: 'f',
        token_hash: hash,
        issued_at: 0,
        expires_at: expires,
      });
    }
    const running = await sessionsService.start({ ...ctx, store, clock: () => now } as HubContext, http);
    await running.stop();
    assert.equal(await store.sessions.find('old'), undefined);
    assert.ok(await store.sessions.find('recent'));
    assert.ok(await store.sessions.find('live'));
    await store.close();
  });
});
