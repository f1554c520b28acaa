import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needPeers } from './support/peers.js';
import { snmpCli, startSnmpd, v2cArgs } from './support/snmpd.js';
import { startSnmpsim } from './support/snmpsim.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('SNMP test peers', () => {
  it('starts snmpsim with one community per device over several processes, and stops every process', {
    skip: needPeers('snmpsimd', 'snmpget'),
  }, async () => {
    const sim = await startSnmpsim({ devices: 4, processes: 2 });
    try {
      assert.deepEqual(
        sim.devices.map((d) => d.community),
        ['dev1', 'dev2', 'dev3', 'dev4'],
      );
      assert.equal(new Set(sim.devices.map((d) => d.port)).size, 2);
      assert.deepEqual(sim.communities, ['dev1', 'dev3']);
      for (const d of sim.devices) {
        const r = await snmpCli('snmpget', [...v2cArgs(d.port, d.community), '1.3.6.1.2.1.1.5.0']);
        assert.equal(r.get('1.3.6.1.2.1.1.5.0'), 'Profiler3750');
      }
    } finally {
      await sim.stop();
    }
    for (const pid of sim.pids) assert.equal(alive(pid), false, `snmpsimd ${pid} is gone`);
  });

  it('starts snmpd with random credentials in a temp dir and stops it', {
    skip: needPeers('snmpd', 'snmpget'),
  }, async () => {
    const a = await startSnmpd();
    const b = await startSnmpd();
    try {
      assert.notEqual(a.port, b.port);
      assert.notEqual(a.community, b.community);
      assert.notEqual(a.v3.authKey, b.v3.authKey);
      const r = await snmpCli('snmpget', [...v2cArgs(b.port, b.community), '1.3.6.1.2.1.1.5.0']);
      assert.equal(r.get('1.3.6.1.2.1.1.5.0'), 'outpost-snmpd');
    } finally {
      await a.stop();
      await b.stop();
    }
    await assert.rejects(
      snmpCli('snmpget', ['-t', '0.3', '-r', '0', ...v2cArgs(a.port, a.community), '1.3.6.1.2.1.1.5.0']),
    );
  });
});
