import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestHub, type TestHub } from '../../../test/support/link.js';
import { type FuzzRequest, requestsFor } from '../../../test/support/openapi-fuzz.js';
import { sqliteDb } from '../store/sqlite/inspect.testing.js';
import { tokenService } from './app.js';

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is walked freely
type Json = any;

/** Requests per operation (OUTPOST_FUZZ_RUNS); the whole file stays within tens of seconds. */
const RUNS = Number(process.env.OUTPOST_FUZZ_RUNS) || 12;
/** A fixed seed replays a failure (fast-check prints the one it used). */
const SEED = process.env.OUTPOST_FUZZ_SEED ? Number(process.env.OUTPOST_FUZZ_SEED) : undefined;
/** Longest one request may take before it counts as a hang. */
const HANG_MS = 5000;

/** Operations left out, and why. */
const SKIP: Record<string, string> = {
  // Sends to the network (the target policy is tested in notify/targets.test.ts).
  'POST /api/v1/notification-channels/{id}/test': 'network',
  // Would end the session this fuzzer uses.
  'POST /api/v1/auth/change-password': 'session',
  'POST /api/v1/auth/web/change-password': 'session',
};
/**
 * Tables a refused request may still see change: the audit log records refusals on purpose, and the alert
 * engine writes its state on its own timer.
 */
const WRITTEN_ON_REFUSAL = new Set(['audit_log', 'alerting_state']);

/** fc.assert, with the failed assertion's own message in the error (fast-check keeps it as the cause). */
async function assertProperty<T>(property: fc.IAsyncProperty<T>, params: fc.Parameters<T>): Promise<void> {
  try {
    await fc.assert(property, params);
  } catch (err) {
    const cause = (err as Error).cause as Error | undefined;
    throw new Error(`${cause?.message ?? ''}\n${(err as Error).message}`.slice(0, 4000), { cause: err });
  }
}

describe('every HTTP route, fuzzed from the OpenAPI document', () => {
  let hub: TestHub;
  let doc: Json;
  /** The fuzzer's own admin: a user whose id (above 3) no fuzzed path targets, so no PUT /users/1 ends it. */
  let fuzzToken: string;
  before(async () => {
    // A whole hub (broker, link, alerting, live view), so that every route has what it needs.
    hub = await startTestHub({ loginRateLimitPerMinute: 10_000, passwordHashCost: 10 });
    doc = (await hub.api('GET', '/api/openapi.json')).body;
    // Something for the ids 1 and 2 to find.
    const admin = (method: string, path: string, body: unknown) => hub.api(method, path, body);
    await admin('POST', '/api/v1/sites', { name: 'fuzz-site' });
    await admin('POST', '/api/v1/devices', {
      name: 'fuzz-dev',
      ip_address: '192.0.2.1',
      site_id: 1,
      snmp: { version: '2c', community: 'fuzz-community' },
    });
    await admin('POST', '/api/v1/cameras', { name: 'fuzz-cam', rtsp_url: 'rtsp://192.0.2.2/s', site_id: 1 });
    await admin('POST', '/api/v1/alerts', { severity: 'high', title: 'fuzz alert', device_id: 1 });
    // Users 2 and 3 for the fuzzed ids to change, then the fuzzer's admin after them.
    const password = 'fuzz-password-long-enough-1';
    await admin('POST', '/api/v1/users', { username: 'fuzz-viewer', role: 'viewer', password });
    await admin('POST', '/api/v1/users', { username: 'fuzz-operator', role: 'operator', password });
    const me = await admin('POST', '/api/v1/users', { username: 'fuzz-admin', role: 'admin', password });
    assert.equal(me.status, 201, JSON.stringify(me.body));
    assert.ok(me.body.id > 3, `the fuzzer's admin has id ${me.body.id}, which fuzzed paths target`);
    const row = (await hub.hub.ctx.store.users.list()).find((u) => u.username === 'fuzz-admin');
    assert.ok(row);
    fuzzToken = await tokenService(hub.hub.ctx).signAccess(row);
  });
  after(async () => {
    await hub.close();
  });

  /** A digest per table that a refused request must leave alone. */
  const digest = (): Record<string, string> => {
    const db = sqliteDb(hub.hub.ctx.store);
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[];
    const out: Record<string, string> = {};
    for (const t of tables) {
      if (WRITTEN_ON_REFUSAL.has(t)) continue;
      const h = createHash('sha256');
      for (const row of db.prepare(`SELECT * FROM "${t}"`).raw().iterate())
        h.update(JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v)));
      out[t] = h.digest('hex').slice(0, 16);
    }
    return out;
  };
  /** The tables whose digest differs. */
  const changed = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys({ ...a, ...b }).filter((t) => a[t] !== b[t]);

  const send = async (r: FuzzRequest): Promise<{ status: number; text: string }> => {
    const res = await Promise.race([
      Promise.resolve(hub.hub.app.request(r.path, { method: r.method, headers: r.headers, body: r.body })),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS).unref(),
      ),
    ]);
    const streaming = (res.headers.get('content-type') ?? '').includes('text/event-stream');
    if (streaming) {
      await res.body?.cancel();
      return { status: res.status, text: '' };
    }
    return { status: res.status, text: await res.text() };
  };

  it('never answers 5xx nor hangs, and a 4xx changes nothing in the database', async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (SKIP[key]) continue;
        const token = op['x-access'] === 'public' ? undefined : fuzzToken;
        await assertProperty(
          fc.asyncProperty(requestsFor(doc, method.toUpperCase(), path, op, token), async (r) => {
            const before = digest();
            const res = await send(r);
            sent++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const what = `${r.method} ${r.path.slice(0, 300)} ${r.body?.slice(0, 300) ?? ''}`;
            assert.ok(res.status < 500, `${what} -> ${res.status} ${res.text.slice(0, 300)}`);
            if (res.status >= 400) {
              assert.deepEqual(changed(before, digest()), [], `${what} -> ${res.status} changed tables`);
              const error = JSON.parse(res.text || '{}') as { error?: { code?: string; message?: string } };
              assert.ok(error.error?.code && error.error.message, `${what} -> ${res.status} without {error}`);
            }
          }),
          { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
        );
      }
    }
    if (process.env.OUTPOST_FUZZ_VERBOSE) console.log(sent, JSON.stringify([...statuses].sort()));
    // The fuzzer reached handlers, not only the validation in front of them.
    assert.ok(sent >= 50 * RUNS, `only ${sent} requests`);
    const ok = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    assert.ok(ok > sent / 20, `only ${ok} of ${sent} requests succeeded: ${JSON.stringify([...statuses])}`);
  });
});
