import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode, MAX_BYTES, type MessageInputs, SCHEMAS } from './codec.js';
import { LIMITS } from './limits.js';
import { parseCommandArgs } from './messages/command.js';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from './messages/common.js';
import { EXAMPLES } from './testing/examples.js';
import { MESSAGE_KINDS, type MessageKind, topicFor } from './topics.js';

const enc = new TextEncoder();
const json = (value: unknown) => enc.encode(JSON.stringify(value));

function decodeOk(kind: MessageKind, bytes: Uint8Array) {
  const result = decode(topicFor(kind, 'agent-1'), bytes);
  if (!result.ok) assert.fail(result.error.message);
  assert.equal(result.kind, kind);
  assert.equal(result.agentId, 'agent-1');
  return result.message;
}

function decodeErr(kind: MessageKind, bytes: Uint8Array) {
  const result = decode(topicFor(kind, 'agent-1'), bytes);
  assert.equal(result.ok, false, `expected ${kind} to be refused`);
  if (result.ok) throw new Error('unreachable');
  return result.error;
}

function batch(overrides: Partial<MessageInputs['batch']> = {}) {
  return { ...EXAMPLES.batch, ...overrides };
}

describe('encode/decode round trip', () => {
  for (const kind of MESSAGE_KINDS) {
    it(`round-trips a ${kind} message`, () => {
      const encoded = encode(kind, EXAMPLES[kind] as never);
      if (!encoded.ok) assert.fail(encoded.error.message);
      const message = decodeOk(kind, encoded.bytes);
      if (kind === 'snapshot') {
        const { image, ...meta } = EXAMPLES.snapshot;
        const got = message as MessageInputs['snapshot'];
        assert.deepEqual(Array.from(got.image), Array.from(image));
        assert.deepEqual({ ...got, image: undefined }, { ...meta, image: undefined });
      } else {
        assert.deepEqual(message, SCHEMAS[kind].parse(EXAMPLES[kind]));
      }
    });
  }

  it('fills schema defaults (empty events, poll interval, port)', () => {
    const b = decodeOk('batch', json({ v: 1, seq: 1, sent_at: MIN_TIMESTAMP_MS, samples: [] }));
    assert.deepEqual((b as { events: unknown[] }).events, []);
    const c = decodeOk(
      'config',
      json({ ...EXAMPLES.config, devices: [{ ...EXAMPLES.config.devices![0], poll_interval_s: undefined }] }),
    );
    const device = (c as { devices: { port: number; poll_interval_s: number }[] }).devices[0]!;
    assert.equal(device.port, 161);
    assert.equal(device.poll_interval_s, 60);
  });
});

describe('decode refuses bad input with the field path', () => {
  it('ignores unknown fields (forward compatibility inside v1)', () => {
    const message = decodeOk('ack', json({ v: 1, upTo: 3, future_field: { x: 1 } }));
    assert.deepEqual(message, { v: 1, upTo: 3 });
    const b = decodeOk(
      'batch',
      json(batch({ samples: [{ ...EXAMPLES.batch.samples![0]!, quality: 'good' } as never] })),
    );
    assert.equal('quality' in (b as { samples: object[] }).samples[0]!, false);
  });

  it('keeps events of a type added later instead of refusing the batch', () => {
    const b = decodeOk(
      'batch',
      json(batch({ events: [{ type: 'firmware_update', ts: MIN_TIMESTAMP_MS, x: 1 } as never] })),
    );
    assert.deepEqual((b as { events: unknown[] }).events, [
      { type: 'firmware_update', ts: MIN_TIMESTAMP_MS },
    ]);
  });

  it('refuses a malformed event of a known type and names the field', () => {
    const err = decodeErr(
      'batch',
      json(
        batch({
          events: [{ type: 'device_state', ts: MIN_TIMESTAMP_MS, device_id: 1, status: 'sleepy' }] as never,
        }),
      ),
    );
    assert.equal(err.code, 'schema');
    assert.match(err.message, /events\.0\.status/);
  });

  it('rejects an unknown v with a clear error', () => {
    const err = decodeErr('batch', json({ ...EXAMPLES.batch, v: 2 }));
    assert.equal(err.code, 'version');
    assert.match(err.message, /unsupported protocol version v=2; this side speaks v=1/);
    assert.equal(decodeErr('ack', json({ upTo: 1 })).code, 'version');
    assert.equal(decodeErr('ack', json({ v: '1', upTo: 1 })).code, 'version');
  });

  it('names the field path and reason of a schema error', () => {
    const bad = batch({
      samples: [EXAMPLES.batch.samples![0]!, { ...EXAMPLES.batch.samples![1]!, value: 'fast' as never }],
    });
    const err = decodeErr('batch', json(bad));
    assert.equal(err.code, 'schema');
    assert.equal(err.issues[0]?.path, 'samples.1.value');
    assert.match(err.message, /^invalid batch: samples\.1\.value: /);
  });

  it('refuses non-JSON, non-UTF-8, non-object payloads and bad topics', () => {
    assert.equal(decodeErr('batch', enc.encode('{"v":1,')).code, 'json');
    assert.equal(decodeErr('batch', new Uint8Array([0xc3, 0x28])).code, 'encoding');
    assert.equal(decodeErr('batch', json([1, 2])).code, 'schema');
    assert.equal(decodeErr('batch', json(null)).code, 'schema');
    const r = decode('outpost/v1/agents/a+b/up/batch', json(EXAMPLES.batch));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'topic');
  });

  it('refuses a sample that names both a device and a camera', () => {
    const err = decodeErr(
      'batch',
      json(batch({ samples: [{ device_id: 1, camera_id: 2, metric: 'x', value: 1, ts: MIN_TIMESTAMP_MS }] })),
    );
    assert.match(err.message, /device or a camera, not both/);
  });

  it('refuses a config whose v3 credentials lack the keys their level needs', () => {
    const device = {
      ...EXAMPLES.config.devices![0]!,
      snmp: {
        version: '3',
        username: 'mon',
        security_level: 'authPriv',
        auth_protocol: 'sha',
        auth_key: 'authpass1',
      },
    };
    const err = decodeErr('config', json({ ...EXAMPLES.config, devices: [device] }));
    assert.ok(
      err.issues.some((i) => i.path === 'devices.0.snmp.priv_protocol'),
      JSON.stringify(err.issues),
    );
  });

  it('refuses a camera URL with embedded credentials', () => {
    const camera = { ...EXAMPLES.config.cameras![0]!, rtsp_url: 'rtsp://admin:pw@192.0.2.1/stream' };
    assert.match(
      decodeErr('config', json({ ...EXAMPLES.config, cameras: [camera] })).message,
      /cameras\.0\.rtsp_url/,
    );
  });
});

describe('boundaries', () => {
  const seqCases: [number, boolean][] = [
    [-1, false],
    [0, false],
    [1, true],
    [1.5, false],
    [Number.MAX_SAFE_INTEGER, true],
    [Number.MAX_SAFE_INTEGER + 1, false],
  ];
  for (const [seq, ok] of seqCases) {
    it(`${ok ? 'accepts' : 'refuses'} seq ${seq}`, () => {
      const r = decode(topicFor('batch', 'a'), json(batch({ seq })));
      assert.equal(r.ok, ok);
      if (!r.ok) assert.equal(r.error.issues[0]?.path, 'seq');
    });
  }

  it('accepts ack upTo 0 (nothing stored yet) and refuses negatives', () => {
    decodeOk('ack', json({ v: 1, upTo: 0 }));
    assert.match(decodeErr('ack', json({ v: 1, upTo: -1 })).message, /upTo/);
  });

  const tsCases: [number, boolean][] = [
    [MIN_TIMESTAMP_MS - 1, false],
    [MIN_TIMESTAMP_MS, true],
    [MAX_TIMESTAMP_MS, true],
    [MAX_TIMESTAMP_MS + 1, false],
    [1_763_800_000, false], // seconds, not milliseconds
    [1_763_800_000_000.5, false],
  ];
  for (const [ts, ok] of tsCases) {
    it(`${ok ? 'accepts' : 'refuses'} timestamp ${ts}`, () => {
      const r = decode(topicFor('batch', 'a'), json(batch({ sent_at: ts })));
      assert.equal(r.ok, ok);
      if (!r.ok) assert.equal(r.error.issues[0]?.path, 'sent_at');
    });
  }

  it('refuses non-finite sample values', () => {
    // JSON cannot carry NaN/Infinity; encode must refuse them rather than send null
    const r = encode(
      'batch',
      batch({
        samples: [{ device_id: 1, metric: 'x', value: Number.POSITIVE_INFINITY, ts: MIN_TIMESTAMP_MS }],
      }),
    );
    assert.equal(r.ok, false);
  });

  it(`accepts ${LIMITS.batchSamples} samples and refuses one more`, () => {
    const sample = { device_id: 1, metric: 'm', value: 1, ts: MIN_TIMESTAMP_MS };
    decodeOk('batch', json(batch({ samples: Array(LIMITS.batchSamples).fill(sample), events: [] })));
    const err = decodeErr(
      'batch',
      json(batch({ samples: Array(LIMITS.batchSamples + 1).fill(sample), events: [] })),
    );
    assert.equal(err.issues[0]?.path, 'samples');
  });

  it(`refuses more than ${LIMITS.batchEvents} events`, () => {
    const event = { type: 'error', ts: MIN_TIMESTAMP_MS, message: 'x' };
    assert.equal(
      decodeErr('batch', json(batch({ events: Array(LIMITS.batchEvents + 1).fill(event) }))).issues[0]?.path,
      'events',
    );
  });

  it('refuses a payload over the byte limit before parsing it', () => {
    const padded = enc.encode(JSON.stringify(batch()).padEnd(MAX_BYTES.batch + 1, ' '));
    const err = decodeErr('batch', padded);
    assert.equal(err.code, 'too_large');
    assert.match(err.message, new RegExp(`limit is ${MAX_BYTES.batch}`));
    const exact = enc.encode(JSON.stringify(batch()).padEnd(MAX_BYTES.batch, ' '));
    decodeOk('batch', exact);
    assert.equal(decodeErr('ack', enc.encode(' '.repeat(MAX_BYTES.ack + 1))).code, 'too_large');
  });

  it('encode refuses a message that would exceed the byte limit', () => {
    const big = 'x'.repeat(2000);
    const events = Array.from({ length: 600 }, () => ({
      type: 'error' as const,
      ts: MIN_TIMESTAMP_MS,
      message: big,
    }));
    const r = encode('batch', batch({ events }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'too_large');
  });
});

describe('snapshot frames', () => {
  it('refuses a frame whose header length overruns the payload', () => {
    const bytes = new Uint8Array([0, 0, 0, 99, 0x7b, 0x7d]);
    assert.equal(decodeErr('snapshot', bytes).code, 'frame');
  });

  it('refuses an image that is not a JPEG', () => {
    const r = encode('snapshot', { ...EXAMPLES.snapshot, image: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
    assert.equal(r.ok, false);
    const good = encode('snapshot', EXAMPLES.snapshot);
    assert.ok(good.ok);
    const bytes = good.bytes.slice();
    bytes[bytes.length - EXAMPLES.snapshot.image.length] = 0x00;
    assert.equal(decodeErr('snapshot', bytes).code, 'frame');
  });
});

describe('command args', () => {
  it('validates the args of each known type and reports unknown types', () => {
    assert.deepEqual(parseCommandArgs({ type: 'poll-now', args: { device_id: 4 } }), {
      ok: true,
      type: 'poll-now',
      args: { device_id: 4 },
    });
    const walk = parseCommandArgs({ type: 'walk', args: { device_id: 4, oid: 'ifTable' } });
    assert.equal(walk.ok, false);
    assert.match(!walk.ok ? walk.reason : '', /args\.oid/);
    assert.deepEqual(parseCommandArgs({ type: 'reboot', args: {} }), {
      ok: false,
      reason: 'unsupported command type "reboot"',
    });
    assert.equal(parseCommandArgs({ type: 'constructor', args: {} }).ok, false);
  });
});
