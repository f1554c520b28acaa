import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { needPeers } from '../../test/support/peers.js';
import { type SimulatedDevice, startSimulatedSite } from './index.js';

const skip = needPeers('snmpget', 'snmpbulkwalk');

// Asynchronous on purpose: the simulated agents answer from this process's event loop.
function snmp(cmd: string, d: SimulatedDevice, ...oids: string[]): Promise<string> {
  const args = ['-v2c', '-c', d.community, '-t', '1', '-r', '0', '-On', `${d.host}:${d.port}`, ...oids];
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8' }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
}

describe('simulated demo site', { skip }, () => {
  let devices: SimulatedDevice[] = [];
  before(async () => {
    devices = await startSimulatedSite();
  });
  after(async () => {
    await Promise.all(devices.map((d) => d.stop()));
  });

  it('answers the system group of every device to the real snmpget', async () => {
    assert.deepEqual(
      devices.map((d) => d.kind),
      ['switch', 'router', 'access_point', 'ups', 'printer'],
    );
    for (const d of devices) {
      const out = await snmp('snmpget', d, '1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.3.0');
      assert.match(out, new RegExp(`STRING: "?${d.name}"?`), out);
      assert.match(out, /Timeticks: \(\d+\)/, out);
    }
  });

  it('serves a 26-port switch whose 64-bit counters move', async () => {
    const sw = devices.find((d) => d.kind === 'switch')!;
    const walk = await snmp('snmpbulkwalk', sw, '1.3.6.1.2.1.31.1.1.1.1');
    assert.equal(walk.trim().split('\n').length, 26, walk);
    const read = async () =>
      BigInt(/Counter64: (\d+)/.exec(await snmp('snmpget', sw, '1.3.6.1.2.1.31.1.1.1.6.10101'))![1]!);
    const first = await read();
    await new Promise((r) => setTimeout(r, 1_200));
    assert.ok((await read()) > first, 'ifHCInOctets did not move');
  });

  it('answers the UPS-MIB battery charge and the router CPU load', async () => {
    const ups = devices.find((d) => d.kind === 'ups')!;
    assert.match(await snmp('snmpget', ups, '1.3.6.1.2.1.33.1.2.4.0'), /INTEGER: (9\d|100)/);
    const router = devices.find((d) => d.kind === 'router')!;
    const loads = await snmp('snmpbulkwalk', router, '1.3.6.1.2.1.25.3.3.1.2');
    assert.equal((loads.match(/INTEGER: \d+/g) ?? []).length, 2, loads);
  });

  it('stops answering when taken down and answers again when brought back', async () => {
    const ap = devices.find((d) => d.kind === 'access_point')!;
    await ap.down();
    assert.match(await snmp('snmpget', ap, '1.3.6.1.2.1.1.5.0'), /Timeout/);
    await ap.up();
    assert.match(await snmp('snmpget', ap, '1.3.6.1.2.1.1.5.0'), /demo-ap-floor1/);
  });

  it('refuses a wrong community', async () => {
    const ups = devices.find((d) => d.kind === 'ups')!;
    assert.match(await snmp('snmpget', { ...ups, community: 'public' }, '1.3.6.1.2.1.1.5.0'), /Timeout/);
  });
});
