import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeVb as vb } from '../fake-transport.js';
import type { SnmpVarbind } from '../types.js';
import { HR_COLUMNS, hostResources } from './host-resources.js';

const ctx = { deviceId: 3, now: Date.UTC(2026, 0, 1), rebooted: false };
const T = '1.3.6.1.2.1.25.2.1';

function input(rows: Record<string, SnmpVarbind[]>) {
  return { scalars: new Map(), walks: new Map(Object.entries(rows)) };
}
function storage(idx: number, type: string, descr: string, unit: number, size: number, used: number) {
  return {
    hrStorageType: vb.oid(`${HR_COLUMNS.hrStorageType}.${idx}`, `${T}.${type}`),
    hrStorageDescr: vb.str(`${HR_COLUMNS.hrStorageDescr}.${idx}`, descr),
    hrStorageAllocationUnits: vb.int(`${HR_COLUMNS.hrStorageAllocationUnits}.${idx}`, unit),
    hrStorageSize: vb.int(`${HR_COLUMNS.hrStorageSize}.${idx}`, size),
    hrStorageUsed: vb.int(`${HR_COLUMNS.hrStorageUsed}.${idx}`, used),
  };
}

describe('host-resources profile', () => {
  it('averages processor load and reports memory without cache and buffers, and disks by name', () => {
    const rows = [
      storage(1, '2', 'Physical memory', 1024, 1000, 800),
      storage(6, '1', 'Memory buffers', 1024, 1000, 100),
      storage(7, '1', 'Cached memory', 1024, 300, 300),
      storage(31, '4', '/', 4096, 1000, 250),
      // Integer32 wraps negative for a 16 TiB volume in 4 KiB units: read as unsigned.
      storage(32, '4', '/srv', 4096, -1, 2 ** 30),
    ];
    const walks: Record<string, SnmpVarbind[]> = {
      hrProcessorLoad: [
        vb.int(`${HR_COLUMNS.hrProcessorLoad}.196608`, 10),
        vb.int(`${HR_COLUMNS.hrProcessorLoad}.196609`, 30),
      ],
    };
    for (const r of rows)
      for (const [k, v] of Object.entries(r)) {
        walks[k] ??= [];
        walks[k].push(v);
      }
    const { samples } = hostResources.collect(input(walks), undefined, ctx);
    const get = (metric: string, storageName?: string) =>
      samples.find((s) => s.metric === metric && (!storageName || s.labels?.storage === storageName))?.value;
    assert.equal(get('cpu_load'), 20);
    assert.equal(samples.filter((s) => s.metric === 'cpu_core_load').length, 2);
    assert.equal(get('mem_used_percent'), 40);
    assert.equal(get('mem_total_bytes'), 1024_000);
    assert.equal(get('storage_used_percent', '/'), 25);
    assert.equal(get('storage_size_bytes', '/srv'), (2 ** 32 - 1) * 4096);
    assert.ok((get('storage_used_percent', '/srv') ?? -1) > 0);
    assert.equal(get('storage_used_percent', 'Memory buffers'), undefined);
  });
  it('reports nothing for a device without the MIB', () => {
    assert.deepEqual(hostResources.collect(input({}), undefined, ctx).samples, []);
  });
});
