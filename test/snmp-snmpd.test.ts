import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createSnmpPoller, fpingProbe, type SnmpPoller } from '@outpost/agent';
import type { DeviceConfig, KnownEvent, Sample } from '@outpost/protocol';
import { needPeers } from './support/peers.js';
import {
  freeUdpPort,
  type RunningSnmpd,
  type SnmpdV3User,
  snmpCli,
  startSnmpd,
  v2cArgs,
} from './support/snmpd.js';

const SYS = '1.3.6.1.2.1.1';
const IFX_NAME = '1.3.6.1.2.1.31.1.1.1.1';

function v3Device(id: number, port: number, u: SnmpdV3User, over: Partial<SnmpdV3User> = {}): DeviceConfig {
  const x = { ...u, ...over };
  return {
    id,
    name: `v3-${x.user}`,
    ip_address: '127.0.0.1',
    port,
    snmp: {
      version: '3',
      username: x.user,
      security_level: x.level,
      ...(x.authProtocol ? { auth_protocol: x.authProtocol, auth_key: x.authKey } : {}),
      ...(x.privProtocol ? { priv_protocol: x.privProtocol, priv_key: x.privKey } : {}),
    },
    poll_interval_s: 60,
    timeout_ms: 1000,
    retries: 0,
    profiles: [],
  };
}

/** Node's OpenSSL 3 has DES only with the legacy provider. */
function desAvailable(): boolean {
  try {
    createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

const stateOf = (events: KnownEvent[]) => {
  const e = events.find((x) => x.type === 'device_state');
  assert.ok(e && e.type === 'device_state', 'a device_state event');
  return e;
};
const values = (samples: Sample[], metric: string) =>
  new Map(samples.filter((s) => s.metric === metric).map((s) => [s.labels?.if_index ?? '', s.value]));

describe('SNMP polling against a real snmpd', { skip: needPeers('snmpd', 'snmpget', 'snmpbulkwalk') }, () => {
  let snmpd: RunningSnmpd;
  let poller: SnmpPoller;
  let v2c: DeviceConfig;

  before(async () => {
    snmpd = await startSnmpd({
      sysName: 'lab-snmpd',
      sysLocation: 'Rack 7',
      sysContact: 'ops@example.net',
      ipv6: true,
    });
    poller = createSnmpPoller({ maxInFlight: 8, ping: fpingProbe({ warn() {}, debug() {} }) });
    v2c = {
      id: 1,
      name: 'lab',
      ip_address: '127.0.0.1',
      port: snmpd.port,
      snmp: { version: '2c', community: snmpd.community },
      poll_interval_s: 60,
      timeout_ms: 1000,
      retries: 1,
      profiles: [],
    };
  });
  after(async () => {
    poller?.close();
    await snmpd?.stop();
  });

  it('reports v2c system facts equal to what snmpget returns', async () => {
    const { events, samples } = await poller.poll(v2c);
    const cli = await snmpCli('snmpget', [
      ...v2cArgs(snmpd.port, snmpd.community),
      ...[1, 2, 3, 4, 5, 6].map((n) => `${SYS}.${n}.0`),
    ]);
    const ev = stateOf(events);
    assert.equal(ev.status, 'online');
    assert.equal(ev.sys?.name, 'lab-snmpd');
    assert.equal(ev.sys?.name, cli.get(`${SYS}.5.0`));
    assert.equal(ev.sys?.descr, cli.get(`${SYS}.1.0`));
    assert.equal(ev.sys?.object_id, cli.get(`${SYS}.2.0`));
    assert.equal(ev.sys?.location, 'Rack 7');
    assert.equal(ev.sys?.contact, cli.get(`${SYS}.4.0`));
    const uptime = samples.find((s) => s.metric === 'sys_uptime')?.value ?? -1;
    assert.ok(Math.abs(uptime - Number(cli.get(`${SYS}.3.0`)) / 100) < 5, `uptime ${uptime}`);
  });

  it('reports every interface with the names, status and speed that snmpbulkwalk returns', async () => {
    const { samples } = await poller.poll(v2c);
    const args = v2cArgs(snmpd.port, snmpd.community);
    const names = await snmpCli('snmpbulkwalk', [...args, IFX_NAME]);
    const oper = await snmpCli('snmpbulkwalk', [...args, '1.3.6.1.2.1.2.2.1.8']);
    const speed = await snmpCli('snmpbulkwalk', [...args, '1.3.6.1.2.1.2.2.1.5']);
    const high = await snmpCli('snmpbulkwalk', [...args, '1.3.6.1.2.1.31.1.1.1.15']);
    assert.ok(names.size > 0);
    const gotNames = new Map(
      samples
        .filter((s) => s.metric === 'if_oper_status')
        .map((s) => [s.labels?.if_index, s.labels?.if_name]),
    );
    assert.deepEqual(gotNames, new Map([...names].map(([oid, v]) => [oid.slice(IFX_NAME.length + 1), v])));
    for (const [oid, v] of oper)
      assert.equal(values(samples, 'if_oper_status').get(oid.split('.').pop()!), Number(v));
    for (const [oid, v] of speed) {
      const idx = oid.split('.').pop()!;
      const hs = Number(high.get(`1.3.6.1.2.1.31.1.1.1.15.${idx}`) ?? 0);
      const want = hs > 0 ? hs * 1e6 : Number(v);
      assert.equal(values(samples, 'if_speed_bps').get(idx), want > 0 ? want : undefined, `speed of ${idx}`);
    }
  });

  it('turns interface counters into non-negative rates on the next poll', async () => {
    await poller.poll(v2c);
    await new Promise((r) => setTimeout(r, 1100));
    const { samples } = await poller.poll(v2c);
    const inBps = samples.filter((s) => s.metric === 'if_in_bps');
    assert.ok(inBps.length > 0, 'some interface has a rate');
    for (const s of inBps) assert.ok(s.value >= 0 && s.unit === 'bps');
  });

  it('reads CPU, memory, storage and load from HOST-RESOURCES and UCD-SNMP, auto-selected for Net-SNMP', async () => {
    await poller.poll(v2c);
    await new Promise((r) => setTimeout(r, 1100));
    const { samples } = await poller.poll(v2c);
    const metric = (m: string) => samples.find((s) => s.metric === m)?.value;
    const mem = metric('mem_used_percent') ?? -1;
    assert.ok(mem > 0 && mem <= 100, `mem_used_percent ${mem}`);
    // snmpd fills hrProcessorLoad only after a minute of CPU history: compare with what the CLI sees now.
    const loads = await snmpCli('snmpbulkwalk', [
      ...v2cArgs(snmpd.port, snmpd.community),
      '1.3.6.1.2.1.25.3.3.1.2',
    ]);
    for (const k of loads.keys()) if (!k.startsWith('1.3.6.1.2.1.25.3.3.1.2.')) loads.delete(k);
    if (loads.size > 0) {
      const avg = [...loads.values()].reduce((a, v) => a + Number(v), 0) / loads.size;
      assert.ok(Math.abs((metric('cpu_load') ?? -1) - avg) <= 5, `cpu_load ${metric('cpu_load')} vs ${avg}`);
    } else assert.equal(metric('cpu_load'), undefined);
    const la = await snmpCli('snmpget', [
      ...v2cArgs(snmpd.port, snmpd.community),
      '1.3.6.1.4.1.2021.10.1.3.1',
    ]);
    assert.ok(Math.abs((metric('load_1m') ?? -1) - Number(la.get('1.3.6.1.4.1.2021.10.1.3.1'))) < 1);
    const busy = metric('cpu_busy_percent');
    assert.ok(busy === undefined || (busy >= 0 && busy <= 100), `cpu_busy_percent ${busy}`);
    const root = samples.find((s) => s.metric === 'storage_used_percent' && s.labels?.storage === '/');
    assert.ok(root && root.value >= 0 && root.value <= 100, 'the root file system');
    const cli = await snmpCli('snmpget', [...v2cArgs(snmpd.port, snmpd.community), '1.3.6.1.4.1.2021.4.5.0']);
    const totalKb = Number(cli.get('1.3.6.1.4.1.2021.4.5.0'));
    assert.equal(metric('mem_total_bytes'), totalKb * 1024, 'hrStorage RAM size equals memTotalReal');
  });

  for (const i of [0, 1, 2, 3, 4, 5]) {
    it(`polls over SNMPv3 as user #${i + 1} (auth and privacy variants) with the same sysName`, async () => {
      const u = snmpd.v3Users[i]!;
      const { events } = await poller.poll(v3Device(10 + i, snmpd.port, u));
      const ev = stateOf(events);
      if (u.privProtocol === 'des' && !desAvailable()) {
        assert.equal(ev.status, 'unreachable');
        assert.match(ev.error ?? '', /DES privacy .*--openssl-legacy-provider/);
        return;
      }
      assert.equal(
        ev.status,
        'online',
        `${u.user} ${u.level} ${u.authProtocol ?? ''} ${u.privProtocol ?? ''}: ${ev.error}`,
      );
      assert.equal(ev.sys?.name, 'lab-snmpd');
    });
  }

  it('reports auth_failed for a wrong v3 auth key, a wrong priv key and an unknown user', async () => {
    const u = snmpd.v3;
    for (const [id, over] of [
      [20, { authKey: 'not-the-key-1' }],
      [22, { user: 'nobody-here' }],
    ] as const) {
      const { events, samples } = await poller.poll(v3Device(id, snmpd.port, u, over));
      const ev = stateOf(events);
      assert.equal(ev.status, 'auth_failed', `${JSON.stringify(over)}: ${ev.status} ${ev.error}`);
      assert.deepEqual(samples, []);
      assert.doesNotMatch(JSON.stringify(events), /not-the-key/);
    }
  });

  it('reports a wrong v3 priv key and a wrong community as auth_failed: snmpd drops them but answers engine discovery', async () => {
    const badPriv = await poller.poll({
      ...v3Device(21, snmpd.port, snmpd.v3, { privKey: 'not-the-key-2' }),
      timeout_ms: 300,
    });
    assert.equal(stateOf(badPriv.events).status, 'auth_failed');
    assert.match(stateOf(badPriv.events).error ?? '', /privacy key/);
    assert.doesNotMatch(JSON.stringify(badPriv.events), /not-the-key/);
    const wrong = await poller.poll({
      ...v2c,
      id: 30,
      snmp: { version: '2c', community: 'wrong-community-1' },
      timeout_ms: 300,
      retries: 0,
    });
    assert.equal(stateOf(wrong.events).status, 'auth_failed');
    assert.match(stateOf(wrong.events).error ?? '', /^no answer with this community/);
    assert.doesNotMatch(JSON.stringify(wrong.events), /wrong-community-1/);
    const v1 = await poller.poll({
      ...v2c,
      id: 32,
      snmp: { version: '1', community: 'wrong-community-2' },
      timeout_ms: 300,
      retries: 0,
    });
    assert.equal(stateOf(v1.events).status, 'auth_failed');
  });

  it('reports a port where no SNMP agent listens on a host that answers ping as unreachable, saying so', {
    skip: needPeers('fping'),
  }, async () => {
    const port = await freeUdpPort();
    const silent = await poller.poll({ ...v2c, id: 31, port, timeout_ms: 300, retries: 0 });
    const ev = stateOf(silent.events);
    assert.equal(ev.status, 'unreachable');
    // 127.0.0.1 answers ping: the host is up, SNMP is what stays silent.
    assert.match(
      ev.error ?? '',
      /answers ping but not SNMP: wrong community, SNMP disabled or an access list \(no answer to SNMPv3 engine discovery either\)/,
    );
    assert.deepEqual(silent.samples, []);
  });

  it('polls SNMPv1 with GETNEXT walks', async () => {
    const v1: DeviceConfig = { ...v2c, id: 40, snmp: { version: '1', community: snmpd.community } };
    const { events, samples } = await poller.poll(v1);
    assert.equal(stateOf(events).status, 'online');
    assert.equal(stateOf(events).sys?.name, 'lab-snmpd');
    // v1 has no Counter64: every interface still has its status, and octets come from the 32-bit columns.
    assert.ok(samples.some((s) => s.metric === 'if_oper_status'));
  });

  it('walks a subtree for a job exactly as snmpbulkwalk does', async () => {
    const rows: { oid: string; value: string }[] = [];
    const res = await poller.walk(v2c, '1.3.6.1.2.1.2.2.1.2', (r) => rows.push(r));
    const cli = await snmpCli('snmpbulkwalk', [
      ...v2cArgs(snmpd.port, snmpd.community),
      '1.3.6.1.2.1.2.2.1.2',
    ]);
    assert.equal(res.rows, cli.size);
    assert.deepEqual(
      rows.map((r) => [r.oid, r.value]),
      [...cli],
    );
    const limited = await poller.walk(v2c, SYS, () => {}, { maxRows: 2 });
    assert.deepEqual(limited, { rows: 2, truncated: true });
  });

  it('polls a device by its IPv6 address', async () => {
    const { events, samples } = await poller.poll({ ...v2c, id: 50, ip_address: '::1' });
    assert.equal(stateOf(events).status, 'online', stateOf(events).error);
    assert.equal(stateOf(events).sys?.name, 'lab-snmpd');
    assert.ok(samples.some((s) => s.metric === 'if_oper_status'));
  });
});
