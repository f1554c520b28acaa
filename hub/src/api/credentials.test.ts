import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HASH_GATE, HashBusyError, WorkGate } from '../auth/passwords.js';
import { createTestHub, TEST_PASSWORDS, type TestHub } from './testing.js';

describe('login throttling', () => {
  let hub: TestHub;
  beforeEach(async () => {
    hub = await createTestHub({ trustProxy: true });
  });
  afterEach(() => hub.close());

  const login = (username: string, password: string, from = '192.0.2.10') =>
    hub.req('POST', '/api/v1/auth/login', {
      body: { username, password },
      headers: { 'x-forwarded-for': from },
    });

  it('counts failures only: ten right logins in a minute all succeed', async () => {
    for (let i = 0; i < 10; i++)
      assert.equal((await login('admin', TEST_PASSWORDS.admin)).status, 200, `#${i}`);
  });

  it('a guesser elsewhere cannot lock a user out of the address they logged in from before', async () => {
    assert.equal((await login('admin', TEST_PASSWORDS.admin, '198.51.100.1')).status, 200);
    for (let i = 0; i < 5; i++)
      assert.equal((await login('admin', 'guess-guess-1', `203.0.113.${i}`)).status, 401);
    assert.equal(
      (await login('admin', TEST_PASSWORDS.admin, '203.0.113.200')).status,
      429,
      'a new address waits',
    );
    assert.equal(
      (await login('admin', TEST_PASSWORDS.admin, '198.51.100.1')).status,
      200,
      'the known one does not',
    );
  });

  it('refuses a username under attack from new addresses, even with the right password', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await login('viewer', 'guess-guess-1', `203.0.113.${i}`)).status, 401);
    const limited = await login('viewer', TEST_PASSWORDS.viewer, '203.0.113.99');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });

  it('limits one address by the X-Forwarded-For hop the proxy wrote, not the part the client wrote', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await login(`user${i}`, 'guess-guess-1', `10.66.0.${i}, 203.0.113.7`);
      assert.equal(r.status, 401);
    }
    assert.equal((await login('user9', 'guess-guess-1', '10.66.0.77, 203.0.113.7')).status, 429);
    assert.equal((await login('user9', 'guess-guess-1', '203.0.113.8')).status, 401, 'another client is not');
  });

  it('refuses parallel guesses beyond the limit before hashing them', async () => {
    const all = await Promise.all(Array.from({ length: 20 }, () => login('operator', 'guess-guess-1')));
    const codes = all.map((r) => r.status);
    assert.equal(codes.filter((s) => s === 401).length, 5, codes.join(','));
    assert.equal(codes.filter((s) => s === 429).length, 15);
  });

  it('limits wrong current passwords in change-password', async () => {
    const change = (current: string) =>
      hub.req('POST', '/api/v1/auth/change-password', {
        token: hub.tokens.viewer,
        body: { current_password: current, new_password: 'Fresh-lantern-horse-93' },
      });
    for (let i = 0; i < 5; i++) assert.equal((await change(`wrong-${i}-password`)).status, 422);
    const limited = await change(TEST_PASSWORDS.viewer);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    hub.setTime(hub.ctx.clock() + 61_000);
    assert.equal((await change(TEST_PASSWORDS.viewer)).status, 200);
  });

  it('spends no hash on a new password that the policy refuses', async () => {
    const before = HASH_GATE.load;
    const r = await hub.req('POST', '/api/v1/auth/change-password', {
      token: hub.tokens.viewer,
      body: { current_password: TEST_PASSWORDS.viewer, new_password: 'short' },
    });
    assert.equal(r.status, 422);
    assert.deepEqual(HASH_GATE.load, before);
  });
});

describe('bounded password hashing', () => {
  it('runs at most N at once, queues M, refuses the rest at once', async () => {
    const gate = new WorkGate(2, 3);
    const releases: (() => void)[] = [];
    let peak = 0;
    let running = 0;
    const job = () =>
      gate.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => releases.push(r));
        running--;
      });
    const accepted = Array.from({ length: 5 }, job);
    await assert.rejects(job(), HashBusyError);
    assert.deepEqual(gate.load, { active: 2, waiting: 3 });
    while (releases.length || gate.load.active) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(accepted);
    assert.equal(peak, 2);
    assert.deepEqual(gate.load, { active: 0, waiting: 0 });
  });

  it('answers 503 with Retry-After when the hub is saturated with logins', async () => {
    const hub = await createTestHub();
    try {
      // Fill every slot and the queue with work that waits on us.
      let release!: () => void;
      const hold = new Promise<void>((r) => {
        release = r;
      });
      const held = Array.from({ length: HASH_GATE.running + HASH_GATE.queued }, () =>
        HASH_GATE.run(() => hold),
      );
      const r = await hub.req('POST', '/api/v1/auth/login', {
        body: { username: 'admin', password: TEST_PASSWORDS.admin },
      });
      release();
      await Promise.all(held);
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'busy');
    } finally {
      hub.close();
    }
  });
});
