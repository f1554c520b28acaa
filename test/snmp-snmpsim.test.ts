import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSnmpPoller, type SnmpPoller } from '@outpost/agent';
import { type DeviceConfig, encode, type KnownEvent, type Sample } from '@outpost/protocol';
import { needPeers } from './support/peers.js';
import { snmpCli, v2cArgs } from './support/snmpd.js';
import { type RunningSnmpsim, startSnmpsim } from './support/snmpsim.js';

const SYS = '1.3.6.1.2.1.1';
const IF = '1.3.6.1.2.1.2.2.1';
const IFX = '1.3.6.1.2.1.31.1.1.1';

const stateOf = (events: KnownEvent[]) => {
  const e = events.find((x) => x.type === 'device_state');
  assert.ok(e && e.type === 'device_state');
  return e;
};
const byIndex = (samples: Sample[], metric: string) =>
  new Map(samples.filter((s) => s.metric === metric).map((s) => [s.labels?.if_index ?? '', s]));
/** CLI values of one column by instance. */
const column = (m: Map<string, string>, col: string) =>
  new Map([...m].filter(([k]) => k.startsWith(`${col}.`)).map(([k, v]) => [k.slice(col.length + 1), v]));

describe('SNMP polling against snmpsim (Cisco 3750 recording)', {
  skip: needPeers('snmpsimd', 'snmpget', 'snmpbulkwalk'),
}, () => {
  let sim: RunningSnmpsim;
  let poller: SnmpPoller;
  const device = (i: number): DeviceConfig => ({
    id: 100 + i,
    name: `sim-${i}`,
    ip_address: '127.0.0.1',
    port: sim.devices[i]!.port,
    snmp: { version: '2c', community: sim.devices[i]!.community },
    poll_interval_s: 60,
    timeout_ms: 3000,
    retries: 1,
    profiles: [],
  });

  before(async () => {
    // v1/v2c only, as many small devices: a wrong community cannot be told by SNMPv3 engine discovery.
    sim = await startSnmpsim({ devices: 3, v2cOnly: true });
    poller = createSnmpPoller({ maxInFlight: 16 });
  });
  after(async () => {
    poller?.close();
    await sim?.stop();
  });

  it('reports the system group as snmpget does', async () => {
    const { events } = await poller.poll(device(0));
    const cli = await snmpCli('snmpget', [
      ...v2cArgs(sim.port, sim.communities[0]!),
      ...[1, 2, 3, 4, 5, 6].map((n) => `${SYS}.${n}.0`),
    ]);
    const ev = stateOf(events);
    assert.equal(ev.status, 'online');
    assert.equal(ev.sys?.name, 'Profiler3750');
    assert.equal(ev.sys?.name, cli.get(`${SYS}.5.0`));
    assert.equal(ev.sys?.object_id, '1.3.6.1.4.1.9.1.516');
    assert.equal(ev.sys?.object_id, cli.get(`${SYS}.2.0`));
    assert.equal(ev.sys?.location, cli.get(`${SYS}.6.0`));
    assert.equal(ev.sys?.descr?.replace(/\r\n/g, '\n'), cli.get(`${SYS}.1.0`)?.replace(/\r\n/g, '\n'));
    assert.equal(ev.sys?.uptime_s, Number(cli.get(`${SYS}.3.0`)) / 100);
  });

  it('reports every interface with the names, aliases, status and speeds that snmpbulkwalk returns', async () => {
    const { samples } = await poller.poll(device(0));
    const args = v2cArgs(sim.port, sim.communities[0]!);
    const ifTable = await snmpCli('snmpbulkwalk', [...args, '1.3.6.1.2.1.2.2']);
    const ifXTable = await snmpCli('snmpbulkwalk', [...args, '1.3.6.1.2.1.31.1.1']);
    const descr = column(ifTable, `${IF}.2`);
    assert.equal(descr.size, 59);
    const oper = byIndex(samples, 'if_oper_status');
    assert.deepEqual([...oper.keys()].sort(), [...descr.keys()].sort());
    const names = column(ifXTable, `${IFX}.1`);
    const aliases = column(ifXTable, `${IFX}.18`);
    const high = column(ifXTable, `${IFX}.15`);
    const speed = column(ifTable, `${IF}.5`);
    for (const [idx, s] of oper) {
      assert.equal(s.value, Number(column(ifTable, `${IF}.8`).get(idx)), `ifOperStatus.${idx}`);
      assert.equal(s.labels?.if_name, names.get(idx) || descr.get(idx), `ifName.${idx}`);
      assert.equal(s.labels?.if_alias, aliases.get(idx) || undefined, `ifAlias.${idx}`);
      assert.equal(
        byIndex(samples, 'if_admin_status').get(idx)?.value,
        Number(column(ifTable, `${IF}.7`).get(idx)),
      );
      const hs = Number(high.get(idx) ?? 0);
      const want = hs > 0 ? hs * 1e6 : Number(speed.get(idx) ?? 0);
      assert.equal(
        byIndex(samples, 'if_speed_bps').get(idx)?.value,
        want > 0 ? want : undefined,
        `speed.${idx}`,
      );
    }
  });

  it('reads Cisco CPU and memory pools as the CLI reports them', async () => {
    const { samples } = await poller.poll(device(0));
    const cli = await snmpCli('snmpget', [
      ...v2cArgs(sim.port, sim.communities[0]!),
      '1.3.6.1.4.1.9.9.109.1.1.1.1.7.1',
      '1.3.6.1.4.1.9.9.48.1.1.1.5.1',
      '1.3.6.1.4.1.9.9.48.1.1.1.6.1',
    ]);
    const metric = (m: string) => samples.find((s) => s.metric === m && !s.labels)?.value;
    assert.equal(metric('cpu_load'), Number(cli.get('1.3.6.1.4.1.9.9.109.1.1.1.1.7.1')));
    const used = Number(cli.get('1.3.6.1.4.1.9.9.48.1.1.1.5.1'));
    const free = Number(cli.get('1.3.6.1.4.1.9.9.48.1.1.1.6.1'));
    assert.equal(metric('mem_used_percent'), (used / (used + free)) * 100);
    assert.equal(metric('mem_total_bytes'), used + free);
    assert.equal(
      samples.filter((s) => s.metric === 'storage_used_percent').length,
      0,
      'host-resources not selected',
    );
  });

  it('gives zero, never negative, rates for the recording’s frozen counters, and polls devices in parallel', async () => {
    await poller.poll(device(1));
    await new Promise((r) => setTimeout(r, 1000));
    const [a, b, c] = await Promise.all([
      poller.poll(device(0)),
      poller.poll(device(1)),
      poller.poll(device(2)),
    ]);
    for (const r of [a, b, c]) assert.equal(stateOf(r.events).status, 'online');
    const rates = b.samples.filter((s) => s.metric === 'if_in_bps' || s.metric === 'if_out_bps');
    assert.ok(rates.length > 0);
    for (const s of rates) assert.equal(s.value, 0);
    assert.equal(
      c.samples.filter((s) => s.metric === 'if_in_bps').length,
      0,
      'first poll of device 3 has no rate',
    );
  });

  it('reads 64-bit octet counters exactly as snmpbulkwalk does', async () => {
    const rows = new Map<string, string>();
    await poller.walk(device(0), `${IFX}.6`, (r) => rows.set(r.oid, `${r.type} ${r.value}`));
    const cli = await snmpCli('snmpbulkwalk', [...v2cArgs(sim.port, sim.communities[0]!), `${IFX}.6`]);
    assert.equal(rows.size, cli.size);
    for (const [oid, v] of cli) assert.equal(rows.get(oid), `Counter64 ${v}`);
    assert.ok(
      [...cli.values()].some((v) => BigInt(v) > 2n ** 32n),
      'a value beyond 32 bits is covered',
    );
  });

  it('reports a wrong community as auth_failed when the device answers another community of the site', async () => {
    const wrong: DeviceConfig = {
      ...device(0),
      id: 110,
      snmp: { version: '2c', community: 'not-this-one' },
      timeout_ms: 300,
      retries: 0,
      try_site_communities: true,
    };
    const site = [{ version: '2c' as const, community: sim.devices[1]!.community }];
    const { events, samples } = await poller.poll(wrong, { siteCredentials: () => site });
    const ev = stateOf(events);
    assert.equal(ev.status, 'auth_failed', ev.error);
    assert.match(ev.error ?? '', /answers another community of this site, not this one/);
    assert.doesNotMatch(JSON.stringify(events), new RegExp(`not-this-one|"${sim.devices[1]!.community}"`));
    assert.deepEqual(samples, []);
  });

  it('produces samples and events the protocol accepts in a batch', async () => {
    const { samples, events } = await poller.poll(device(2));
    assert.ok(samples.length > 500);
    const out = encode('batch', { v: 1, seq: 1, sent_at: Date.now(), samples, events });
    assert.ok(out.ok, out.ok ? '' : out.error.message);
  });
});
