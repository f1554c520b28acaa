import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { encode, LIMITS, SCHEMAS, TOPIC_RULES, topicFor, topics } from '@outpost/protocol';
import { EXAMPLES } from '@outpost/protocol/testing';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import * as z from 'zod';
import { connectAgent, startTestHub, type TestHub, until } from './support/link.js';
import { anyJson, fromSchema, nastyString } from './support/openapi-fuzz.js';

/** Publishes per agent topic (OUTPOST_FUZZ_RUNS); the file stays within tens of seconds. */
const RUNS = Number(process.env.OUTPOST_FUZZ_RUNS) || 40;
const SEED = process.env.OUTPOST_FUZZ_SEED ? Number(process.env.OUTPOST_FUZZ_SEED) : undefined;

/** The kinds an agent publishes (status, up/batch, up/result, up/snapshot). */
const UP = (Object.keys(TOPIC_RULES) as (keyof typeof TOPIC_RULES)[]).filter(
  (k) => TOPIC_RULES[k].direction === 'agent->hub',
);

/** A valid example of a kind, as JSON (the snapshot's is its metadata header followed by the JPEG). */
function exampleJson(kind: (typeof UP)[number]): Record<string, unknown> {
  const { image: _image, ...rest } = EXAMPLES[kind] as Record<string, unknown>;
  return rest;
}

/**
 * Messages the kind's schema describes (from the protocol's own zod schema), with unusual but allowed values:
 * what passes validation and reaches the hub's handlers. Encoded with the protocol's codec when they are valid
 * (a snapshot then carries a JPEG-ish body), as JSON otherwise.
 */
function fromProtocolSchema(kind: (typeof UP)[number]): fc.Arbitrary<Buffer> {
  const schema = z.toJSONSchema(SCHEMAS[kind], { io: 'input', unrepresentable: 'any' });
  return fc.tuple(fromSchema(schema, schema), fc.uint8Array({ maxLength: 2048 })).map(([message, image]) => {
    const input = kind === 'snapshot' ? { ...(message as object), image } : message;
    const r = encode(kind, input as never);
    return r.ok ? Buffer.from(r.bytes) : Buffer.from(JSON.stringify(message));
  });
}

/** Payloads for one kind: valid ones, valid ones with a field missing, wrong or extra, and garbage of all sizes. */
function payloads(kind: (typeof UP)[number]): fc.Arbitrary<Buffer> {
  const example = exampleJson(kind);
  const keys = Object.keys(example);
  const valid = fc.constant(kind).map((k) => {
    const r = encode(k, EXAMPLES[k] as never);
    assert.ok(r.ok);
    return Buffer.from(r.bytes);
  });
  const mutated = fc.tuple(fc.nat(), anyJson, nastyString).map(([pick, junk, name]) => {
    const o: Record<string, unknown> = structuredClone(example);
    const k = keys[pick % keys.length] as string;
    if (pick % 3 === 0) delete o[k];
    else if (pick % 3 === 1) o[k] = junk;
    else o[name || 'extra'] = junk;
    return Buffer.from(JSON.stringify(o));
  });
  return fc.oneof(
    { weight: 1, arbitrary: valid },
    { weight: 4, arbitrary: fromProtocolSchema(kind) },
    { weight: 4, arbitrary: mutated },
    { weight: 2, arbitrary: anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from('{'), Buffer.from('\u0000'), Buffer.from('[]')),
    },
    // Just over the protocol's limit for the kind, and its first byte as the compact batch format uses it.
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(LIMITS.batchBytes + 1, 0x7b)) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.concat([Buffer.from([1]), b])),
    },
  );
}

describe('every MQTT topic an agent publishes to, fuzzed with a real client', () => {
  let t: TestHub;
  const logs: string[] = [];
  let fuzzer: { agent_id: string; secret: string };
  let good: { agent_id: string; secret: string };
  let client: MqttClient;
  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    t = await startTestHub({ logLevel: 'warn' }, { logDestination: sink });
    const site = await t.site('fuzz');
    fuzzer = await t.enroll(site);
    good = await t.enroll(site);
    client = await connectAgent(t.mqttUrl, fuzzer.agent_id, fuzzer.secret);
  });
  after(async () => {
    client?.end(true);
    await t.close();
  });

  const agent = async (id: string) => (await t.api('GET', `/api/v1/agents/${id}`)).body;

  it('takes any payload on each agent topic without failing, counting what it refuses', async () => {
    for (const kind of UP) {
      await fc.assert(
        fc.asyncProperty(payloads(kind), async (payload) => {
          if (!client.connected) client = await connectAgent(t.mqttUrl, fuzzer.agent_id, fuzzer.secret);
          // QoS 1: resolves once the broker took it (or rejects when it cut the connection: over a limit).
          await client.publishAsync(topicFor(kind, fuzzer.agent_id), payload, { qos: 1 }).catch(() => {});
        }),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
    }
    await until(async () => (await agent(fuzzer.agent_id)).invalid_payloads > 0, 5000, 'refusals counted');
    // The hub is whole: it answers, and an agent that behaves is served as before.
    assert.equal((await fetch(`${t.hub.url}/api/v1/health`)).status, 200);
    const g = await connectAgent(t.mqttUrl, good.agent_id, good.secret);
    try {
      let acked = 0;
      g.on('message', (_topic, p) => {
        acked = JSON.parse(p.toString()).upTo;
      });
      await g.subscribeAsync(topics.downFilter(good.agent_id), { qos: 1 });
      const batch = encode('batch', { v: 1, seq: 1, sent_at: Date.now(), samples: [], events: [] });
      assert.ok(batch.ok);
      await g.publishAsync(topics.batch(good.agent_id), Buffer.from(batch.bytes), { qos: 1 });
      await until(() => acked === 1, 5000, 'the good agent acknowledged');
    } finally {
      g.end(true);
    }
    // Refusals are warnings; nothing failed inside the hub (a handler that threw logs an error).
    const errors = logs.filter((l) => ['error', 'fatal'].includes(JSON.parse(l).level));
    assert.deepEqual(errors, []);
  });

  it('cuts a publish on a topic the agent may not use, and nothing of another agent changes', async () => {
    const before = await agent(good.agent_id);
    const forbidden = fc.oneof(
      fc.constantFrom(
        topics.batch(good.agent_id),
        topics.status(good.agent_id),
        topics.ack(fuzzer.agent_id),
        topics.config(fuzzer.agent_id),
        `${topics.status(fuzzer.agent_id)}/x`,
        `outpost/v1/agents/${fuzzer.agent_id}/up/unknown`,
        '$SYS/broker/x',
        'outpost/v2/x',
      ),
      nastyString.filter(
        (s) =>
          s.length > 0 && s.length < 200 && !s.includes('#') && !s.includes('+') && !s.includes('\u0000'),
      ),
    );
    await fc.assert(
      fc.asyncProperty(forbidden, async (topic) => {
        const c = await connectAgent(t.mqttUrl, fuzzer.agent_id, fuzzer.secret);
        const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
        c.publish(topic, Buffer.from(JSON.stringify(EXAMPLES.status)), { qos: 1 });
        await Promise.race([
          closed,
          new Promise((_, reject) => setTimeout(() => reject(new Error(`${topic}: still connected`)), 3000)),
        ]);
        c.end(true);
      }),
      { numRuns: 15, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    const afterwards = await agent(good.agent_id);
    for (const k of ['status', 'last_seen', 'ack_up_to', 'invalid_payloads', 'hostname'])
      assert.deepEqual(afterwards[k], before[k], k);
  });
});
