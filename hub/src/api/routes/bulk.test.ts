import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../testing.js';

const COMMUNITY = 'bulk-community-7';

/** 5,000 device lines over two sites; lines 101, 2002 and 4500 (file lines, the header is 1) are bad. */
function bigCsv(): { text: string; bad: Map<number, string> } {
  const lines = ['site,name,ip_address,device_type,vendor,parent,snmp_version,snmp_community'];
  const bad = new Map<number, string>();
  for (let i = 0; i < 5000; i++) {
    const line = i + 2;
    const site = i % 2 ? 'north' : 'south';
    const ip = `10.${Math.floor(i / 250)}.${i % 250}.${1 + (i % 3)}`;
    if (line === 101) {
      lines.push(`${site},sw-${i},10.999.0.1,switch,,,2c,${COMMUNITY}`);
      bad.set(line, 'ip_address');
    } else if (line === 2002) {
      lines.push(`nowhere,sw-${i},${ip},switch,,,2c,${COMMUNITY}`);
      bad.set(line, 'site');
    } else if (line === 4500) {
      lines.push(`${site},sw-${i},${ip},switch,,ghost,2c,${COMMUNITY}`);
      bad.set(line, 'parent');
    } else lines.push(`${site},sw-${i},${ip},${i % 5 ? 'switch' : 'router'},Acme,,2c,${COMMUNITY}`);
  }
  return { text: `${lines.join('\n')}\n`, bad };
}

describe('bulk import and export', () => {
  let hub: TestHub;
  const csv = bigCsv();
  const post = (path: string, body: string, type = 'text/csv', token?: string) =>
    hub.req('POST', path, { token: token ?? hub.tokens.operator, body, headers: { 'content-type': type } });
  const count = async () => (await hub.ctx.store.devices.list({}, 'name', 'asc', 1, 1)).total;

  before(async () => {
    hub = await createTestHub({ bodyLimitBytes: 4 * 1024 * 1024 });
    for (const name of ['north', 'south']) await hub.ctx.store.sites.insert({ name }, Date.now());
  });
  after(() => hub.close());

  it('a dry run names each bad line and its column, and writes nothing', async () => {
    const res = await post('/api/v1/devices/import?dry_run=true', csv.text);
    assert.equal(res.status, 200);
    const out = (await res.json()) as {
      dry_run: boolean;
      summary: Record<string, number>;
      lines: { line: number; action: string; errors: { field: string }[] }[];
    };
    assert.equal(out.dry_run, true);
    assert.deepEqual(out.summary, { create: 4997, update: 0, unchanged: 0, refused: 3 });
    const refused = out.lines.filter((l) => l.action === 'refused');
    assert.deepEqual(
      refused.map((l) => [l.line, l.errors.map((e) => e.field)]),
      [...csv.bad].map(([line, field]) => [line, [field]]),
    );
    assert.equal(await count(), 0);
  });

  it('the real run creates the rest in one go, and a second import of the same file changes nothing', async () => {
    const res = await post('/api/v1/devices/import', csv.text);
    assert.equal(res.status, 200);
    const out = (await res.json()) as {
      summary: Record<string, number>;
      lines: { id?: number; action: string }[];
    };
    assert.equal(out.summary.create, 4997);
    assert.ok(out.lines.filter((l) => l.action === 'create').every((l) => typeof l.id === 'number'));
    assert.equal(await count(), 4997);
    const again = (await (await post('/api/v1/devices/import', csv.text)).json()) as {
      summary: Record<string, number>;
    };
    assert.deepEqual(again.summary, { create: 0, update: 0, unchanged: 4997, refused: 3 });
    assert.equal(await count(), 4997);
  });

  it('an export gives the columns back without a secret, and imports back unchanged', async () => {
    const res = await hub.req('GET', '/api/v1/devices/export?format=csv&site_id=1', {
      token: hub.tokens.viewer,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    const text = await res.text();
    assert.ok(!text.includes(COMMUNITY), 'no community in the export');
    assert.match(text.split('\n')[0]!, /^site,name,ip_address,device_type/);
    assert.equal(text.trim().split('\n').length - 1, (await hub.ctx.store.devices.forSite(1)).length);
    const back = (await (await post('/api/v1/devices/import', text)).json()) as {
      summary: { create: number; update: number; refused: number };
    };
    assert.equal(
      back.summary.create + back.summary.update + back.summary.refused,
      0,
      JSON.stringify(back.summary),
    );
  });

  it('a changed line is an update naming the column; JSON imports like CSV', async () => {
    const body = JSON.stringify([
      { site: 'south', name: 'sw-0', ip_address: '10.0.0.1', device_type: 'firewall', vendor: 'Acme' },
    ]);
    const res = await post('/api/v1/devices/import', body, 'application/json');
    const out = (await res.json()) as { lines: { action: string; changes?: string[] }[] };
    assert.equal(out.lines[0]?.action, 'update');
    assert.deepEqual(out.lines[0]?.changes, ['device_type']);
    const row = (await hub.ctx.store.devices.forSite(2)).find((d) => d.name === 'sw-0');
    assert.equal(row?.device_type, 'firewall');
  });

  it('cameras: parent by device name, password out of the URL and never exported', async () => {
    const text =
      'site,name,rtsp_url,parent\nsouth,door,rtsp://viewer:pw-123@10.0.0.1:554/s,sw-0\nsouth,,rtsp://10.0.0.2/s,\n';
    const out = (await (await post('/api/v1/cameras/import', text)).json()) as {
      lines: { line: number; action: string; errors: { field: string }[] }[];
    };
    assert.deepEqual(
      out.lines.map((l) => [l.line, l.action]),
      [
        [2, 'create'],
        [3, 'refused'],
      ],
    );
    assert.equal(out.lines[1]?.errors[0]?.field, 'name');
    const cam = (await hub.ctx.store.cameras.forSite(2))[0];
    assert.equal(cam?.username, 'viewer');
    assert.equal(cam?.rtsp_url, 'rtsp://10.0.0.1:554/s');
    assert.equal(cam?.parent_id, (await hub.ctx.store.devices.forSite(2)).find((d) => d.name === 'sw-0')?.id);
    const exported = await (
      await hub.req('GET', '/api/v1/cameras/export?format=json', { token: hub.tokens.viewer })
    ).text();
    assert.ok(!exported.includes('pw-123'));
    assert.match(exported, /"parent":"sw-0"/);
  });

  it('refuses a viewer, an unknown content type and a malformed CSV, changing nothing', async () => {
    assert.equal((await post('/api/v1/devices/import', csv.text, 'text/csv', hub.tokens.viewer)).status, 403);
    assert.equal((await post('/api/v1/devices/import', 'a=b', 'text/plain')).status, 415);
    const bad = await post('/api/v1/devices/import', 'site,name\n"unterminated,x\n');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /CSV/);
    assert.equal(await count(), 4997);
  });
});
