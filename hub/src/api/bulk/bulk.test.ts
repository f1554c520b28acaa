import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCameras } from './cameras.js';
import { readCsv, readJson, writeCsv } from './csv.js';
import { DEVICE_COLUMNS, type ExistingDevice, planDevices } from './devices.js';
import { summarize } from './plan.js';

const sites = [
  { id: 1, name: 'shop-12' },
  { id: 2, name: 'school' },
];
const existing: ExistingDevice = {
  id: 7,
  site_id: 1,
  name: 'core-sw',
  ip_address: '192.0.2.10',
  device_type: 'switch',
  vendor: 'Cisco',
  mac_address: null,
  profile: null,
  poll_interval_s: 60,
  parent_id: null,
  credential_id: null,
  snmp: {
    settings: { version: '2c', port: 161, has_community: true, has_auth_key: false, has_priv_key: false },
    secrets: { community: 'sekret' },
  },
};
const ctx = {
  sites,
  existing: [existing],
  credentials: [
    { id: 4, site_id: null, kind: 'snmp' as const },
    { id: 5, site_id: 2, kind: 'snmp' as const },
  ],
};

const csv = `site,name,ip_address,device_type,vendor,parent,snmp_version,snmp_community,credential_id
shop-12,core-sw,192.0.2.10,switch,Cisco,,2c,,
shop-12,access-1,192.0.2.11,switch,Cisco,core-sw,2c,c1,
shop-12,ap-1,192.0.2.12,access_point,,access-1,,,4
nowhere,x,192.0.2.13,switch,,,2c,c,
shop-12,bad-ip,192.0.2.300,switch,,,2c,c,
shop-12,dup,192.0.2.11,switch,,,2c,c,
shop-12,v3,192.0.2.14,router,,,3,,
shop-12,orphan,192.0.2.15,router,,ghost,2c,c,
shop-12,other-site-cred,192.0.2.16,router,,,,,5
"shop-12","quoted, name",192.0.2.17,other,,,1,"c,2",
`;

describe('device import plan', () => {
  const { columns, records } = readCsv(csv);
  const plan = planDevices(records, columns, ctx);
  const at = (line: number) => plan.find((p) => p.line === line)!;

  it('reads CSV lines with their line numbers (the header is line 1)', () => {
    assert.deepEqual(
      records.map((r) => r.line),
      [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    assert.equal(records[9]?.fields.name, 'quoted, name');
    assert.equal(records[9]?.fields.snmp_community, 'c,2');
  });

  it('leaves a device that matches unchanged (a secret left empty keeps the stored one)', () => {
    assert.deepEqual(at(2), { line: 2, action: 'unchanged', id: 7, errors: [] });
  });

  it('creates new devices, with a parent created above them or a credential reference', () => {
    assert.equal(at(3).action, 'create');
    assert.equal(at(3).write?.parent, 'core-sw');
    assert.deepEqual(at(3).write?.snmp.secrets, { community: 'c1' });
    assert.equal(at(4).action, 'create');
    assert.equal(at(4).write?.credential_id, 4);
    assert.equal(at(11).action, 'create');
  });

  const refusals: [number, string, RegExp][] = [
    [5, 'site', /no site "nowhere"/],
    [6, 'ip_address', /IP/],
    [7, 'ip_address', /the same site and IP address as line 3/],
    [8, 'snmp_username', /required/],
    [9, 'parent', /no device named "ghost"/],
    [10, 'credential_id', /belongs to another site/],
  ];
  for (const [line, field, message] of refusals)
    it(`refuses line ${line}, naming ${field}`, () => {
      const p = at(line);
      assert.equal(p.action, 'refused');
      const e = p.errors.find((x) => x.field === field);
      assert.ok(e, JSON.stringify(p.errors));
      assert.match(e.message, message);
    });

  it('counts the plan', () =>
    assert.deepEqual(summarize(plan), { create: 3, update: 0, unchanged: 1, refused: 6 }));

  it('plans an update when a value or a given secret differs, naming the columns', () => {
    const p = planDevices(
      readCsv('site,name,ip_address,device_type,snmp_community\nshop-12,core,192.0.2.10,switch,new-secret\n')
        .records,
      ['site', 'name', 'ip_address', 'device_type', 'snmp_community'],
      ctx,
    );
    assert.equal(p[0]?.action, 'update');
    assert.deepEqual(p[0]?.changes, ['name', 'snmp_community']);
  });

  it('refuses every line of a file with an unknown column', () => {
    const { columns: c, records: r } = readCsv(
      'site,name,ip_address,snmp_comunity\nshop-12,a,192.0.2.50,x\n',
    );
    const p = planDevices(r, c, ctx);
    assert.equal(p[0]?.action, 'refused');
    assert.equal(p[0]?.errors[0]?.field, 'snmp_comunity');
    assert.match(p[0]?.errors[0]?.message ?? '', /unknown column/);
  });

  it('reads JSON the same way, elements numbered from 1', () => {
    const { columns: c, records: r } = readJson([
      {
        site: 'shop-12',
        name: 'a',
        ip_address: '192.0.2.60',
        snmp_version: '2c',
        snmp_community: 'x',
        poll_interval_s: 30,
      },
    ]);
    const p = planDevices(r, c, ctx);
    assert.equal(p[0]?.action, 'create');
    assert.equal(p[0]?.line, 1);
    assert.equal(p[0]?.write?.poll_interval_s, 30);
  });

  it('writes CSV that reads back the same', () => {
    const text = writeCsv(DEVICE_COLUMNS, [{ site: 'shop-12', name: 'a, "b"', ip_address: '192.0.2.1' }]);
    const back = readCsv(text);
    assert.deepEqual(back.columns, [...DEVICE_COLUMNS]);
    assert.deepEqual(back.records[0]?.fields, { site: 'shop-12', name: 'a, "b"', ip_address: '192.0.2.1' });
  });
});

describe('camera import plan', () => {
  const cam = {
    id: 3,
    site_id: 1,
    name: 'Gate',
    rtsp_url: 'rtsp://192.0.2.30/Streaming/Channels/101',
    ip_address: '192.0.2.30',
    username: 'viewer',
    password: 'pw',
    location: null,
    mac_address: null,
    parent_id: null,
    credential_id: null,
  };
  const camCtx = {
    sites,
    existing: [cam],
    credentials: [{ id: 9, site_id: null, kind: 'camera' as const }],
    deviceNames: new Map([['1|access-1', 11]]),
  };
  it('moves credentials out of the URL, matches by site and name, and names bad cells', () => {
    const { columns, records } = readCsv(
      [
        'site,name,rtsp_url,parent,credential_id,mac_address',
        'shop-12,gate,rtsp://192.0.2.30/Streaming/Channels/101,,,',
        'shop-12,Yard,rtsp://admin:s3cret@192.0.2.31:554/live,access-1,,00-1A-2B-3C-4D-5E',
        'shop-12,Lobby,rtsp://cam.local/live,,,',
        'shop-12,Door,http://192.0.2.33/,,,',
        'shop-12,Back,rtsp://192.0.2.34/,,8,',
      ].join('\n'),
    );
    const p = planCameras(records, columns, camCtx);
    assert.deepEqual(p[0], { line: 2, action: 'unchanged', id: 3, errors: [] });
    assert.equal(p[1]?.action, 'create');
    assert.deepEqual(
      [p[1]?.write?.rtsp_url, p[1]?.write?.username, p[1]?.write?.password, p[1]?.write?.mac_address],
      ['rtsp://192.0.2.31:554/live', 'admin', 's3cret', '00:1a:2b:3c:4d:5e'],
    );
    assert.deepEqual(p[2]?.errors, [
      { field: 'ip_address', message: 'required when the URL host is a name' },
    ]);
    assert.equal(p[3]?.errors[0]?.field, 'rtsp_url');
    assert.deepEqual(p[4]?.errors, [{ field: 'credential_id', message: 'no camera credential 8' }]);
  });

  it('drops the stored password when a line moves the camera to another RTSP server, unless it gives one', () => {
    const { columns, records } = readCsv(
      [
        'site,name,rtsp_url,ip_address,password',
        'shop-12,gate,rtsp://192.0.2.30/Streaming/Channels/102,,', // another path, same server: kept
        'shop-12,gate,rtsp://203.0.113.9/Streaming/Channels/101,192.0.2.30,', // another server
        'shop-12,gate,rtsp://192.0.2.30:8554/Streaming/Channels/101,,', // another port
        'shop-12,gate,rtsp://192.0.2.31/Streaming/Channels/101,192.0.2.31,new-pw', // moved, given again
      ].join('\n'),
    );
    const at = (i: number) => planCameras([records[i]!], columns, camCtx)[0]!;
    assert.equal(at(0).action, 'update');
    assert.equal(at(0).write?.password, undefined, 'kept');
    assert.deepEqual(at(0).changes, ['rtsp_url']);
    for (const i of [1, 2]) {
      assert.equal(at(i).write?.password, null, `line ${i + 2}: cleared`);
      assert.ok(at(i).changes?.includes('password'), `line ${i + 2}: ${at(i).changes}`);
    }
    assert.equal(at(3).write?.password, 'new-pw');
  });
});
