import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROFILES, registerProfiles, selectProfiles } from './index.js';
import { system } from './system.js';

describe('SNMP profile registry', () => {
  it('rejects two profiles with the same name', () => {
    assert.throws(() => registerProfiles([system, { ...system }]), /duplicate SNMP profile name: system/);
  });
  it('has at least system, if-mib, host-resources and two vendor profiles', () => {
    for (const name of ['system', 'if-mib', 'host-resources', 'cisco', 'net-snmp'])
      assert.ok(PROFILES.has(name), name);
  });
  const cases = [
    {
      oid: '1.3.6.1.4.1.9.1.516',
      want: ['if-mib', 'cisco', 'cisco-envmon', 'entity-sensor', 'power-ethernet', 'cisco-poe'],
    },
    { oid: '1.3.6.1.4.1.318.1.3.27', want: ['if-mib', 'apc-powernet'] },
    { oid: '1.3.6.1.4.1.534.1', want: ['if-mib', 'ups-mib'] },
    { oid: '1.3.6.1.4.1.11.2.3.9.1', want: ['if-mib', 'entity-sensor', 'power-ethernet', 'printer-mib'] },
    { oid: '1.3.6.1.4.1.2435.2.3.9.1', want: ['if-mib', 'printer-mib'] },
    { oid: '1.3.6.1.4.1.41112.1.6', want: ['if-mib', 'power-ethernet', 'ubiquiti-unifi'] },
    { oid: '1.3.6.1.4.1.8072.3.2.10', want: ['if-mib', 'host-resources', 'net-snmp'] },
    { oid: '1.3.6.1.4.1.311.1.1.3.1.2', want: ['if-mib', 'host-resources'] },
    { oid: '1.3.6.1.4.1.99', want: ['if-mib'] },
    { oid: '1.3.6.1.4.1.90.1', want: ['if-mib'], note: 'a prefix match is by arc, not by character' },
  ];
  for (const c of cases) {
    it(`auto-selects ${c.want.join(', ')} for sysObjectID ${c.oid}`, () => {
      assert.deepEqual(
        selectProfiles([], c.oid).profiles.map((p) => p.name),
        c.want,
      );
    });
  }
  it('uses configured names over auto-selection, without duplicates, and lists unknown ones', () => {
    const r = selectProfiles(['net-snmp', 'net-snmp', 'bogus', 'system'], '1.3.6.1.4.1.9.1.516');
    assert.deepEqual(
      r.profiles.map((p) => p.name),
      ['net-snmp'],
    );
    assert.deepEqual(r.unknown, ['bogus']);
  });
});
