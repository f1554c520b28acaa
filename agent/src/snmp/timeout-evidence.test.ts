import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceConfig, KnownEvent } from '@outpost/protocol';
import { DIAGNOSIS_TTL_MS } from './diagnose.js';
import { createFakeTransport, type FakeAgent, fakeVb as vb } from './fake-transport.js';
import { createSnmpPoller } from './poller.js';
import { gatherTimeoutFacts, type PingProbe } from './timeout-evidence.js';
import type { SnmpTarget } from './types.js';

const HOST = '10.0.0.5';
const sys: FakeAgent['varbinds'] = [
  vb.str('1.3.6.1.2.1.1.1.0', 'Cisco IOS Software'),
  vb.oid('1.3.6.1.2.1.1.2.0', '1.3.6.1.4.1.9.1.516'),
  vb.ticks('1.3.6.1.2.1.1.3.0', 100),
  vb.str('1.3.6.1.2.1.1.5.0', 'sw'),
];
/** A v1/v2c-only agent (no SNMPv3 engine) that takes one community. */
const v2cOnly = (community: string): FakeAgent => ({ varbinds: sys, engine: false, community });
const target = (community: string): SnmpTarget => ({
  id: '12',
  host: HOST,
  port: 161,
  credentials: { version: '2c', community },
  timeoutMs: 5000,
  retries: 2,
});
const v2 = (community: string) => ({ version: '2c' as const, community });

/** A ping that answers `reply` and records the hosts and waits it was given. */
function recordingPing(reply: boolean | undefined) {
  const calls: { host: string; timeoutMs: number }[] = [];
  const ping: PingProbe = async (host, timeoutMs) => {
    calls.push({ host, timeoutMs });
    return reply;
  };
  return { ping, calls };
}

describe('gatherTimeoutFacts', () => {
  it('finds that the device answers another community of the site, each tried once in a session of its own', async () => {
    const fake = createFakeTransport({ [HOST]: v2cOnly('right') });
    const { ping, calls } = recordingPing(true);
    const facts = await gatherTimeoutFacts(target('wrong'), { transport: fake, ping }, [
      v2('wrong'),
      v2('other'),
      v2('right'),
    ]);
    assert.deepEqual(facts, {
      version: '2c',
      engineAnswers: false,
      otherCommunityAnswers: true,
      pingReplies: true,
    });
    const gets = fake.calls.filter((c) => c.op === 'get');
    assert.deepEqual(
      gets.map((c) => [c.id, c.oids]),
      [
        ['12/other-community-0', ['1.3.6.1.2.1.1.2.0']],
        ['12/other-community-1', ['1.3.6.1.2.1.1.2.0']],
      ],
      "the device's own community is not tried again; sysObjectID only",
    );
    assert.deepEqual(
      fake.calls.filter((c) => c.op === 'forget').map((c) => c.id),
      ['12/other-community-0', '12/other-community-1'],
      'the sessions are closed afterwards',
    );
    assert.deepEqual(calls, [{ host: HOST, timeoutMs: 1500 }], 'one echo, within the evidence wait');
  });

  it('stops at the engine when it answers: no community sent, no ping', async () => {
    const fake = createFakeTransport({ [HOST]: { varbinds: sys, community: 'right' } });
    const { ping, calls } = recordingPing(true);
    const facts = await gatherTimeoutFacts(target('wrong'), { transport: fake, ping }, [v2('right')]);
    assert.deepEqual(facts, { version: '2c', engineAnswers: true });
    assert.equal(fake.calls.filter((c) => c.op === 'get').length, 0);
    assert.equal(calls.length, 0);
  });

  it('leaves out what it could not learn: no other community known, no ping possible', async () => {
    const fake = createFakeTransport({});
    const facts = await gatherTimeoutFacts(target('wrong'), {
      transport: fake,
      ping: recordingPing(undefined).ping,
    });
    assert.deepEqual(facts, { version: '2c', engineAnswers: false });
  });

  it('reports that no other community answers a dead host', async () => {
    const fake = createFakeTransport({});
    const facts = await gatherTimeoutFacts(target('wrong'), { transport: fake }, [v2('a'), v2('b')]);
    assert.deepEqual(facts, { version: '2c', engineAnswers: false, otherCommunityAnswers: false });
  });
});

describe('SNMP poller diagnosis of a v1/v2c-only device', () => {
  const device: DeviceConfig = {
    id: 12,
    name: 'sw',
    ip_address: HOST,
    port: 161,
    snmp: { version: '2c', community: 'wr0ng-c0mmunity' },
    poll_interval_s: 60,
    timeout_ms: 1000,
    retries: 0,
    profiles: [],
    try_site_communities: true,
  };
  const stateOf = (events: KnownEvent[]) => events.find((e) => e.type === 'device_state');

  it('reports auth_failed when a community of the site answers, naming none, and probes once per TTL', async () => {
    const fake = createFakeTransport({ [HOST]: v2cOnly('s3cret-right') });
    const { ping, calls } = recordingPing(true);
    let t = Date.UTC(2026, 0, 1);
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, ping, clock: { now: () => t } });
    let asked = 0;
    const context = {
      siteCredentials: () => {
        asked++;
        return [v2('s3cret-right')];
      },
    };
    const { events } = await poller.poll(device, context);
    const ev = stateOf(events);
    assert.equal(ev?.type === 'device_state' && ev.status, 'auth_failed');
    assert.match(JSON.stringify(ev), /answers another community of this site, not this one/);
    assert.doesNotMatch(JSON.stringify(events), /s3cret-right|wr0ng-c0mmunity/, 'no community travels');
    t += 60_000;
    await poller.poll(device, context);
    assert.equal(asked, 1, 'the verdict holds for a while: nothing probed again');
    assert.equal(calls.length, 1);
    t += DIAGNOSIS_TTL_MS;
    fake.setAgent(HOST, v2cOnly('changed'));
    const later = stateOf((await poller.poll(device, context)).events);
    assert.equal(asked, 2);
    assert.equal(later?.type === 'device_state' && later.status, 'unreachable');
    assert.match(
      JSON.stringify(later),
      /answers ping but not SNMP: wrong community, SNMP disabled or an access list/,
    );
  });

  it("never sends the site's communities to a device the hub did not mark try_site_communities", async () => {
    const fake = createFakeTransport({ [HOST]: v2cOnly('s3cret-right') });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, ping: recordingPing(true).ping });
    const { try_site_communities: _, ...outside } = device;
    const ev = stateOf((await poller.poll(outside, { siteCredentials: () => [v2('s3cret-right')] })).events);
    assert.equal(ev?.type === 'device_state' && ev.status, 'unreachable');
    assert.match(JSON.stringify(ev), /answers ping but not SNMP/);
    assert.deepEqual(
      fake.calls.filter((c) => c.op === 'get').map((c) => c.id),
      ['12'],
      'only its own poll went out',
    );
  });
});
