import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode, HUB_FILTERS, topics } from '@outpost/protocol';
import { EXAMPLES } from '@outpost/protocol/testing';
import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { openExternalBroker } from '../hub/src/broker/external.js';
import type { MqttBus } from '../hub/src/broker/mqtt-bus.js';
import { connectAgent, startTestHub, type TestHub, until } from './support/link.js';
import { type Mosquitto, startMosquitto } from './support/mosquitto.js';
import { needPeers } from './support/peers.js';

const ADMIN = { admin: 'dynsec-admin', password: 'dynsec-admin-password-1' };
const HUB_USER = { brokerUsername: 'outpost-hub', brokerPassword: 'hub-broker-password-1' };

function bytes<K extends 'status' | 'batch'>(kind: K, message: Parameters<typeof encode<K>>[1]): Buffer {
  const r = encode(kind, message);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return Buffer.from(r.bytes);
}
const status = (state: 'online' | 'offline', reason?: 'will') =>
  bytes('status', {
    ...EXAMPLES.status,
    state,
    started_at: Date.now(),
    ts: Date.now(),
    ...(reason ? { reason } : {}),
  });
const batch = (seq: number) => bytes('batch', { v: 1, seq, sent_at: Date.now(), samples: [], events: [] });

/** Resolves when the client's connection closes (or already is closed). */
function closed(client: MqttClient): Promise<void> {
  return client.connected ? new Promise((r) => client.once('close', () => r())) : Promise.resolve();
}

describe('external broker: a hub on Mosquitto with dynamic security', () => {
  const skip = needPeers('mosquitto', 'mosquitto_ctrl');
  let broker: Mosquitto | undefined;
  let t: TestHub | undefined;
  const clients: MqttClient[] = [];
  before(async () => {
    if (skip) return;
    broker = await startMosquitto({ dynsec: ADMIN });
    t = await startTestHub({
      brokerUrl: broker.url,
      brokerAdminUsername: ADMIN.admin,
      brokerAdminPassword: ADMIN.password,
      ...HUB_USER,
      agentHeartbeatS: 5,
      logLevel: process.env.DEBUG_HUB ? 'debug' : 'silent',
    });
  });
  after(async () => {
    for (const c of clients) await c.endAsync(true);
    await t?.close();
    await broker?.close();
  });

  async function agent(site: string) {
    assert.ok(t);
    const e = await t.enroll(await t.site(site));
    const url = e.mqtt.urls[0] as string;
    // As the agent does: its `offline` will, retained on its status topic.
    const will = {
      topic: topics.status(e.agent_id),
      payload: status('offline', 'will'),
      qos: 1,
      retain: true,
    } as const;
    const client = await connectAgent(url, e.agent_id, e.secret, { will });
    clients.push(client);
    const acks: number[] = [];
    client.on('message', (topic, payload) => {
      if (topic.endsWith('/down/ack')) acks.push(JSON.parse(payload.toString()).upTo);
    });
    return { ...e, client, acks, url };
  }

  it('enrolls an agent with the broker URL; its batches are stored and acknowledged after commit', {
    skip,
  }, async () => {
    assert.ok(t && broker);
    const a = await agent('shop-1');
    assert.deepEqual(a.mqtt.urls, [broker.url]);
    await a.client.subscribeAsync(topics.downFilter(a.agent_id), { qos: 1 });
    await a.client.publishAsync(topics.status(a.agent_id), status('online'), { qos: 1, retain: true });
    for (const seq of [1, 2, 3])
      await a.client.publishAsync(topics.batch(a.agent_id), batch(seq), { qos: 1 });
    await until(() => a.acks.at(-1) === 3, 5000, 'ack up to 3');
    assert.equal(await t.hub.ctx.store.ledger.upTo(a.agent_id), 3);
    const view = await t.api('GET', `/api/v1/agents/${a.agent_id}`);
    assert.equal(view.body.status, 'online');
    assert.equal(view.body.connected, true);
    // A duplicate is acknowledged again and stored once.
    await a.client.publishAsync(topics.batch(a.agent_id), batch(2), { qos: 1 });
    await until(() => a.acks.length >= 4, 5000, 'ack of the duplicate');
    assert.equal(a.acks.at(-1), 3);
    // The will (the connection dropped without DISCONNECT) marks it offline through the broker alone.
    a.client.stream.destroy();
    await until(
      async () => (await t?.api('GET', `/api/v1/agents/${a.agent_id}`))?.body.status === 'offline',
      5000,
      'offline from the will',
    );
  });

  it('keeps an agent inside its ACL: no other agent topics, no wildcards, no control topic', {
    skip,
  }, async () => {
    assert.ok(t && broker);
    const a = await agent('shop-2');
    const b = await agent('shop-3');
    for (const filter of [topics.downFilter(b.agent_id), '#', 'outpost/v1/agents/+/up/#', '$CONTROL/#']) {
      const granted = await a.client.subscribeAsync(filter, { qos: 1 }).catch(() => [{ qos: 0x80 }]);
      assert.equal(granted[0]?.qos, 0x80, `subscribe ${filter} must be refused`);
    }
    // Publishing as another agent is dropped by the broker (MQTT 3.1.1 cannot say so): the hub never sees it.
    await a.client.publishAsync(topics.batch(b.agent_id), batch(1), { qos: 1 });
    // Nor can it make itself a broker account through dynamic security.
    await a.client.publishAsync(
      '$CONTROL/dynamic-security/v1',
      JSON.stringify({
        commands: [{ command: 'createClient', username: 'intruder', password: 'intruder-pw' }],
      }),
      { qos: 1 },
    );
    // Its own batch, sent after, is handled: so the forged one had its chance to arrive first.
    await a.client.subscribeAsync(topics.downFilter(a.agent_id), { qos: 1 });
    await a.client.publishAsync(topics.batch(a.agent_id), batch(1), { qos: 1 });
    await until(() => a.acks.includes(1), 5000, 'ack of its own batch');
    assert.equal(await t.hub.ctx.store.ledger.upTo(b.agent_id), 0);
    await assert.rejects(connectAgent(broker.url, 'intruder', 'intruder-pw'), /not authori[sz]ed|Bad user/i);
    // The hub's own client cannot publish as an agent either.
    const hub = await connectAgent(broker.url, 'outpost-hub-probe', HUB_USER.brokerPassword, {
      username: HUB_USER.brokerUsername,
      protocolVersion: 5,
    });
    clients.push(hub);
    await assert.rejects(hub.publishAsync(topics.batch(a.agent_id), batch(9), { qos: 1 }), /Not authorized/);
  });

  it('refuses a revoked agent at once: its live connection closes and it cannot reconnect', {
    skip,
  }, async () => {
    assert.ok(t && broker);
    const a = await agent('shop-4');
    const gone = closed(a.client);
    const r = await t.api('POST', `/api/v1/agents/${a.agent_id}/revoke`);
    assert.equal(r.status, 200);
    await gone;
    await assert.rejects(connectAgent(a.url, a.agent_id, a.secret), /not authori[sz]ed/i);
  });

  it('applies a revocation made while the broker was down as soon as it is back', { skip }, async () => {
    assert.ok(t && broker);
    const a = await agent('shop-6');
    await a.client.endAsync(true);
    await broker.stop();
    const revoked = t.api('POST', `/api/v1/agents/${a.agent_id}/revoke`);
    await until(
      async () => (await t?.hub.ctx.store.agents.get(a.agent_id))?.revoked_at != null,
      5000,
      'revoked',
    );
    await broker.start();
    assert.equal((await revoked).status, 200);
    await until(
      async () =>
        connectAgent(a.url, a.agent_id, a.secret).then(
          async (c) => {
            await c.endAsync(true);
            return false;
          },
          (err: Error) => /not authori[sz]ed/i.test(err.message),
        ),
      15_000,
      'the broker refuses the revoked agent',
    );
    // The hub is connected again.
    await until(async () => (await t?.api('GET', '/api/v1/health'))?.status === 200, 10_000, 'healthy');
  });

  it('shares agents messages between two buses of one group, each with two consumers: each message is handled exactly once, side by side', {
    skip,
  }, async () => {
    assert.ok(t && broker);
    const a = await agent('shop-5');
    const logger = pino({ level: 'silent' });
    const settings = {
      brokerUrl: broker.url,
      brokerAdminUsername: ADMIN.admin,
      brokerAdminPassword: ADMIN.password,
      ...HUB_USER,
      brokerShareGroup: 'pair',
      brokerConsumers: 2,
    };
    const buses: MqttBus[] = [
      await openExternalBroker(settings, logger),
      await openExternalBroker(settings, logger),
    ];
    try {
      assert.deepEqual(
        buses.map((b) => b.consumers.length),
        [2, 2],
      );
      const seen: number[][] = [[], []];
      const inFlight = [0, 0];
      const most = [0, 0];
      for (const [i, bus] of buses.entries()) {
        await bus.subscribe(HUB_FILTERS.batch, async (_topic, payload) => {
          inFlight[i] = (inFlight[i] ?? 0) + 1;
          most[i] = Math.max(most[i] ?? 0, inFlight[i] ?? 0);
          // A slow handler: the broker must not hand a message to two consumers, and a bus's consumers
          // handle messages side by side (one connection alone would hold this at one in flight).
          const until2 = Date.now() + 300;
          while ((inFlight[i] ?? 0) < 2 && Date.now() < until2) await new Promise((r) => setTimeout(r, 5));
          seen[i]?.push(JSON.parse(Buffer.from(payload).toString()).seq);
          inFlight[i] = (inFlight[i] ?? 1) - 1;
        });
      }
      const n = 20;
      for (let seq = 1; seq <= n; seq++)
        await a.client.publishAsync(topics.batch(a.agent_id), batch(seq), { qos: 1 });
      // The test hub's own group receives them too; the pair's group splits its copy.
      await until(
        () => (seen[0]?.length ?? 0) + (seen[1]?.length ?? 0) >= n,
        15_000,
        'every message handled',
      );
      const all = [...(seen[0] ?? []), ...(seen[1] ?? [])].sort((x, y) => x - y);
      assert.deepEqual(
        all,
        Array.from({ length: n }, (_, i) => i + 1),
      );
      assert.ok(
        (seen[0]?.length ?? 0) > 0 && (seen[1]?.length ?? 0) > 0,
        `both buses took a share: ${seen.map((s) => s.length)}`,
      );
      assert.ok(Math.max(...most) >= 2, `a bus handled two messages at once: most in flight ${most}`);
    } finally {
      for (const bus of buses) await bus.close();
    }
  });
});
