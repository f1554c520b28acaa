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

describe('sessions service', () => {
  it('prunes refresh tokens expired for more than a week on start', async () => {
    const { openDatabase } = await import('../store/db.js');
    const { sessionsService } = await import('./sessions.js');
    const db = openDatabase(':memory:');
    const day = 24 * 3600 * 1000;
    const now = 100 * day;
    db.prepare(
      "INSERT INTO users (id, username, role, password_hash, created_at, updated_at, password_changed_at) VALUES (1, 'u', 'viewer', 'x', 0, 0, 0)",
    ).run();
    const ins = db.prepare(
      "INSERT INTO refresh_tokens (user_id, family, token_hash, issued_at, expires_at) VALUES (1, 'f', ?, 0, ?)",
    );
    ins.run('old', now - 8 * day);
    ins.run('recent', now - 1 * day);
    ins.run('live', now + day);
    const running = await sessionsService.start({ ...ctx, db, clock: () => now } as HubContext, http);
    await running.stop();
    assert.deepEqual(db.prepare('SELECT token_hash FROM refresh_tokens ORDER BY id').pluck().all(), [
      'recent',
      'live',
    ]);
  });
});
