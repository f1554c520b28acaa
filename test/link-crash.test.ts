import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encode, topics } from '@outpost/protocol';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import { createEnrollmentToken } from '../hub/src/link/enrollment.js';
import { openSqliteStore } from '../hub/src/store/sqlite/index.js';
import { spawnHubProcess } from './support/hub-process.js';
import { connectAgent, until } from './support/link.js';

const TOTAL = 400;
const PER_BATCH = 25;
const WINDOW = 20;

const spawnHub = (dir: string) => spawnHubProcess(dir, { adminPassword: 'correct-horse-battery-staple-9' });

describe('hub <-> agent link: crash safety', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-crash-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every seq exactly once when the hub is killed -9 mid-stream and the agent re-sends', async () => {
    const store = openSqliteStore(join(dir, 'hub.db'));
    const now = Date.now();
    const siteId = (await store.sites.insert({ name: 'crash' }, now)).id;
    const { token } = await createEnrollmentToken(store, {
      site_id: siteId,
      ttl_ms: 3_600_000,
      created_by: null,
      now,
    });
    await store.close();

    let hub = await spawnHub(dir);
    children.push(hub.proc);
    const res = await fetch(`${hub.url}/api/v1/agents/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, hostname: 'crash-pi', version: '0.1.0' }),
    });
    assert.equal(res.status, 201);
    const { agent_id: agentId, secret } = (await res.json()) as { agent_id: string; secret: string };

    // The simulated agent's outbox: batches 1..TOTAL, each with PER_BATCH samples at distinct timestamps.
    const payloads = new Map<number, Buffer>();
    for (let seq = 1; seq <= TOTAL; seq++) {
      const samples = Array.from({ length: PER_BATCH }, (_, i) => ({
        metric: 'crash_test',
        value: seq,
        ts: now + seq * PER_BATCH + i,
      }));
      const r = encode('batch', { v: 1, seq, sent_at: now, samples, events: [] });
      assert.ok(r.ok);
      payloads.set(seq, Buffer.from(r.bytes));
    }
    let upTo = 0;
    let client: MqttClient | undefined;
    // Sends every unacknowledged batch in seq order, keeping at most WINDOW in flight, until `stop()` is true.
    const pump = async (c: MqttClient, stop: () => boolean) => {
      let next = upTo + 1;
      while (upTo < TOTAL && !stop() && c.connected) {
        if (next <= TOTAL && next - upTo <= WINDOW) {
          c.publish(topics.batch(agentId), payloads.get(next) as Buffer, { qos: 1 });
          next++;
        } else await new Promise((r) => setTimeout(r, 2));
      }
    };
    const connect = async (port: number) => {
      const c = await connectAgent(`mqtt://127.0.0.1:${port}`, agentId, secret);
      c.on('message', (_topic, payload) => {
        upTo = Math.max(upTo, (JSON.parse(payload.toString()) as { upTo: number }).upTo);
      });
      c.on('error', () => {});
      await c.subscribeAsync(topics.downFilter(agentId), { qos: 1 });
      return c;
    };

    client = await connect(hub.mqttPort);
    const killAt = TOTAL / 4;
    await pump(client, () => upTo >= killAt);
    hub.proc.kill('SIGKILL'); // mid-stream: batches above upTo are in flight
    await new Promise((r) => hub.proc.once('exit', r));
    client.end(true);
    const ackedBeforeCrash = upTo;
    assert.ok(ackedBeforeCrash >= killAt && ackedBeforeCrash < TOTAL);

    hub = await spawnHub(dir);
    children.push(hub.proc);
    client = await connect(hub.mqttPort);
    await pump(client, () => false);
    await until(() => upTo === TOTAL, 20_000, `ack ${TOTAL}`);
    client.end(true);
    hub.proc.kill('SIGTERM');
    await new Promise((r) => hub.proc.once('exit', r));

    const check = new Database(join(dir, 'hub.db'), { readonly: true });
    try {
      const batches = check
        .prepare(
          'SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM agent_batches WHERE agent_id = ?',
        )
        .get(agentId);
      assert.deepEqual(batches, { n: TOTAL, d: TOTAL, lo: 1, hi: TOTAL });
      const samples = check
        .prepare(
          "SELECT count(*) AS n, count(DISTINCT s.value) AS seqs FROM samples s JOIN series r ON r.id = s.series_id WHERE r.metric = 'crash_test'",
        )
        .get();
      assert.deepEqual(samples, { n: TOTAL * PER_BATCH, seqs: TOTAL });
      assert.equal(
        check.prepare('SELECT up_to FROM agent_acks WHERE agent_id = ?').pluck().get(agentId),
        TOTAL,
      );
    } finally {
      check.close();
    }
  });
});
