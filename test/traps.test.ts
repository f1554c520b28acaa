// The agent's trap receiver against Debian's snmptrap and snmpinform: v1 and v2c traps, a v3 inform (answered,
// so snmpinform succeeds), refused credentials, a taken port, and a flood of 10,000 real trap packets that is
// rate-limited and counted.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type KnownEvent, type TrapConfigInput, TrapConfigSchema } from '@outpost/protocol';
import { startTrapReceiver, TrapListenError, type TrapReceiver } from '../agent/src/traps/index.js';
import { needPeers } from './support/peers.js';
import { freeUdpPort } from './support/snmpd.js';
import { until } from './support/wait.js';

const run = promisify(execFile);
const COMMUNITY = 'trap-community-7f3a';
const USER = {
  username: 'trapper',
  security_level: 'authPriv',
  auth_protocol: 'sha',
  auth_key: 'auth-pass-123',
  priv_protocol: 'aes',
  priv_key: 'priv-pass-123',
} as const;
const quiet = { warn() {}, debug() {} };
// The Net-SNMP tools without MIB loading (numeric OIDs only), so that missing MIB files print nothing.
const env = { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' };

async function receiver(
  port: number,
  events: KnownEvent[],
  t: Partial<TrapConfigInput> = {},
  reportEveryMs = 60_000,
) {
  return startTrapReceiver({
    config: TrapConfigSchema.parse({
      enabled: true,
      port,
      address: '127.0.0.1',
      communities: [COMMUNITY],
      users: [USER],
      ...t,
    }),
    deviceCommunities: [],
    deviceOf: (a) => (a === '127.0.0.1' ? 7 : undefined),
    emit: (e) => events.push(...e),
    now: Date.now,
    log: quiet,
    reportEveryMs,
  });
}

describe('trap receiver with Net-SNMP senders', { skip: needPeers('snmptrap', 'snmpinform') }, () => {
  let port = 0;
  let rx: TrapReceiver;
  const events: KnownEvent[] = [];
  before(async () => {
    port = await freeUdpPort();
    rx = await receiver(port, events);
  });
  after(() => rx?.close());
  const traps = () =>
    events.filter((e): e is Extract<KnownEvent, { type: 'snmp_trap' }> => e.type === 'snmp_trap');

  it('receives a v1 linkDown as its SNMPv2 trap OID, matched to the device', async () => {
    await run(
      'snmptrap',
      [
        '-v',
        '1',
        '-c',
        COMMUNITY,
        `127.0.0.1:${port}`,
        '1.3.6.1.4.1.8072.3.2.10',
        '127.0.0.1',
        '2',
        '0',
        '',
        '1.3.6.1.2.1.2.2.1.1.3',
        'i',
        '3',
      ],
      { env },
    );
    await until(() => traps().length === 1, 5_000, 'the v1 trap');
    const e = traps()[0]!;
    assert.equal(e.version, '1');
    assert.equal(e.trap_oid, '1.3.6.1.6.3.1.1.5.3');
    assert.equal(e.generic_trap, 2);
    assert.equal(e.enterprise, '1.3.6.1.4.1.8072.3.2.10');
    assert.equal(e.device_id, 7);
    assert.deepEqual(e.varbinds, [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'INTEGER', value: '3' }]);
  });

  it('receives a v2c UPS on-battery trap with its varbinds', async () => {
    await run(
      'snmptrap',
      [
        '-v',
        '2c',
        '-c',
        COMMUNITY,
        `127.0.0.1:${port}`,
        '',
        '1.3.6.1.2.1.33.2.0.1',
        '1.3.6.1.2.1.33.1.2.2.0',
        'i',
        '120',
        '1.3.6.1.2.1.33.1.2.3.0',
        'i',
        '35',
      ],
      { env },
    );
    await until(() => traps().length === 2, 5_000, 'the v2c trap');
    const e = traps()[1]!;
    assert.equal(e.version, '2c');
    assert.equal(e.pdu, 'trap');
    assert.equal(e.trap_oid, '1.3.6.1.2.1.33.2.0.1');
    assert.ok(e.uptime_s !== undefined && e.uptime_s >= 0);
    assert.deepEqual(
      e.varbinds.map((v) => `${v.oid}=${v.value}`),
      ['1.3.6.1.2.1.33.1.2.2.0=120', '1.3.6.1.2.1.33.1.2.3.0=35'],
    );
  });

  it('answers a v3 authPriv inform, so that the sender stops retrying', async () => {
    const { stderr } = await run(
      'snmpinform',
      [
        '-v',
        '3',
        '-u',
        USER.username,
        '-l',
        'authPriv',
        '-a',
        'SHA',
        '-A',
        USER.auth_key,
        '-x',
        'AES',
        '-X',
        USER.priv_key,
        '-r',
        '0',
        // One try, so a missing or malformed response fails the test; a generous wait for a busy machine.
        '-t',
        '10',
        `127.0.0.1:${port}`,
        '',
        '1.3.6.1.6.3.1.1.5.1',
      ],
      { env },
    );
    assert.equal(stderr.trim(), '', 'snmpinform got its response');
    await until(() => traps().length === 3, 5_000, 'the v3 inform');
    const e = traps()[2]!;
    assert.equal(e.version, '3');
    assert.equal(e.pdu, 'inform');
    assert.equal(e.trap_oid, '1.3.6.1.6.3.1.1.5.1');
    assert.equal(e.user, 'trapper');
  });

  it('drops and counts traps with an unknown community, and never forwards the community', async () => {
    const before = rx.stats().dropped.auth;
    await run(
      'snmptrap',
      ['-v', '2c', '-c', 'wrong-community', `127.0.0.1:${port}`, '', '1.3.6.1.6.3.1.1.5.1'],
      { env },
    );
    await until(() => rx.stats().dropped.auth === before + 1, 5_000, 'the auth drop');
    assert.equal(traps().length, 3);
    assert.ok(!JSON.stringify(events).includes(COMMUNITY));
  });

  it('says clearly when the port is taken', async () => {
    await assert.rejects(receiver(port, []), (err: unknown) => {
      assert.ok(err instanceof TrapListenError);
      assert.equal(err.code, 'EADDRINUSE');
      assert.match(
        err.message,
        new RegExp(`^trap receiver on 127\\.0\\.0\\.1:${port}: .*another program \\(snmptrapd\\?\\) listens`),
      );
      return true;
    });
  });
});

describe('a flood of 10,000 traps', { skip: needPeers('snmptrap') }, () => {
  it('is rate-limited per sender, counted, and reported as trap_dropped', async () => {
    // One real packet from snmptrap, captured, then sent 10,000 times as fast as the socket takes it.
    const capture = dgram.createSocket('udp4');
    await new Promise<void>((r) => capture.bind(0, '127.0.0.1', r));
    const got = new Promise<Buffer>((r) => capture.once('message', (m) => r(m)));
    await run(
      'snmptrap',
      [
        '-v',
        '2c',
        '-c',
        COMMUNITY,
        `127.0.0.1:${capture.address().port}`,
        '',
        '1.3.6.1.6.3.1.1.5.3',
        '1.3.6.1.2.1.2.2.1.1.1',
        'i',
        '1',
      ],
      { env },
    );
    const packet = await got;
    capture.close();

    const port = await freeUdpPort();
    const events: KnownEvent[] = [];
    const rx = await receiver(port, events, { rate_per_s: 5, burst: 50, max_per_s: 200 }, 200);
    const sender = dgram.createSocket('udp4');
    const start = Date.now();
    for (let i = 0; i < 10_000; i++) {
      await new Promise<void>((resolve, reject) =>
        sender.send(packet, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      );
    }
    const seconds = (Date.now() - start) / 1000;
    sender.close();
    await until(() => rx.stats().received === 10_000, 10_000, 'every packet read by the receiver');
    const s = rx.stats();
    await until(() => events.some((e) => e.type === 'trap_dropped'), 5_000, 'a trap_dropped report');
    await rx.close();
    const forwarded = events.filter((e) => e.type === 'snmp_trap').length;
    const reported = events
      .filter((e): e is Extract<KnownEvent, { type: 'trap_dropped' }> => e.type === 'trap_dropped')
      .reduce((n, e) => n + e.dropped, 0);
    assert.equal(s.forwarded, forwarded);
    assert.equal(forwarded + s.dropped.rate_limit, 10_000, 'every packet forwarded or counted');
    assert.ok(forwarded >= 50, `the burst passes (${forwarded})`);
    assert.ok(
      forwarded <= 50 + Math.ceil(5 * (seconds + 1)),
      `then 5/s at most: ${forwarded} in ${seconds.toFixed(1)} s`,
    );
    assert.equal(reported, s.dropped.rate_limit, 'every drop reported');
    console.log(
      `# flood: 10,000 packets in ${seconds.toFixed(2)} s, ${forwarded} forwarded, ${s.dropped.rate_limit} dropped`,
    );
  });
});
