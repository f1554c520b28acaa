import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { ConnectionCount, FixedHeaderReader, type GuardLimits, type GuardVerdict } from './socket-guard.js';

const LIMITS: GuardLimits = { maxPacketBytes: 4 * 1024 * 1024 + 65_536, maxPreAuthBytes: 65_536 };

const connect = mqttPacket.generate({
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clientId: 'agent-0123456789abcdef',
  username: 'agent-0123456789abcdef',
  password: Buffer.from('x'.repeat(43)),
  clean: false,
  keepalive: 30,
});
const publish = (bytes: number) =>
  mqttPacket.generate({
    cmd: 'publish',
    topic: 'outpost/v1/agents/agent-0123456789abcdef/up/snapshot',
    payload: Buffer.alloc(bytes),
    qos: 1,
    messageId: 1,
    retain: false,
    dup: false,
  });
/** A fixed header declaring `remaining` bytes, as an attacker writes it (without the bytes). */
function header(type: number, remaining: number): Buffer {
  const out = [type << 4];
  let n = remaining;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** Feeds chunks; returns the first verdict (or undefined) and how many chunks were read. */
function feed(chunks: Uint8Array[], accepted = false): GuardVerdict | undefined {
  const r = new FixedHeaderReader(LIMITS);
  if (accepted) r.accept();
  for (const c of chunks) {
    const v = r.push(c);
    if (v) return v;
  }
  return undefined;
}

/** Splits a buffer into pieces of `n` bytes (headers split across chunks included). */
const pieces = (b: Buffer, n: number) =>
  Array.from({ length: Math.ceil(b.length / n) }, (_, i) => b.subarray(i * n, i * n + n));

describe('socket guard: MQTT fixed headers', () => {
  const cases: [string, Uint8Array[], boolean, GuardVerdict | undefined][] = [
    ['a real CONNECT', [connect], false, undefined],
    ['a real CONNECT fed one byte at a time', pieces(connect, 1), false, undefined],
    [
      'a CONNECT declaring 200 MiB, cut at its header',
      [header(1, 200 * 1024 * 1024)],
      false,
      'packet_too_large',
    ],
    [
      'a CONNECT declaring 100 KiB (over the pre-auth budget)',
      [header(1, 100 * 1024)],
      false,
      'pre_auth_bytes',
    ],
    ['a PUBLISH before any CONNECT', [publish(10)], false, 'not_connect_first'],
    [
      'a fifth remaining-length byte',
      [Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])],
      false,
      'malformed_length',
    ],
    [
      'pipelined data before the CONNACK, over the budget',
      [connect, publish(70 * 1024)],
      false,
      'pre_auth_bytes',
    ],
    [
      'a 4 MiB snapshot after the CONNACK',
      [connect, ...pieces(publish(4 * 1024 * 1024), 65_536)],
      true,
      undefined,
    ],
    ['a 5 MiB publish after the CONNACK', [connect, header(3, 5 * 1024 * 1024)], true, 'packet_too_large'],
    [
      'many packets in one chunk, then more across chunks',
      [Buffer.concat([connect, publish(100), publish(200)]), ...pieces(publish(3000), 7)],
      true,
      undefined,
    ],
  ];
  for (const [name, chunks, accepted, want] of cases) {
    it(`${name} -> ${want ?? 'passes'}`, () => assert.equal(feed(chunks, accepted), want));
  }

  it('counts connections per address and in all, and frees them once', () => {
    const count = new ConnectionCount(3, 2);
    const a1 = count.admit('192.0.2.1');
    const a2 = count.admit('192.0.2.1');
    assert.ok(a1.ok && a2.ok);
    const a3 = count.admit('192.0.2.1');
    assert.equal(a3.ok, false);
    assert.match((a3 as { reason: string }).reason, /already has 2 connections/);
    const b1 = count.admit('192.0.2.2');
    assert.ok(b1.ok);
    assert.match((count.admit('192.0.2.3') as { reason: string }).reason, /limit of 3 connections/);
    a1.release();
    a1.release(); // twice: counted once
    assert.equal(count.total, 2);
    assert.ok(count.admit('192.0.2.1').ok);
  });
});
