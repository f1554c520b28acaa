import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventSchema } from '../messages/batch.js';
import { ConfigSchema, CustomOidSchema, TrapConfigSchema } from '../messages/config.js';
import { registry } from '../registry.js';
import { CHECK_KINDS, CheckConfigSchema, statusMatches } from './index.js';

const TS = Date.UTC(2026, 10, 22);

function issue(r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  assert.equal(r.success, false, 'expected a refusal');
  const i = r.error!.issues[0]!;
  return `${i.path.join('.')}: ${i.message}`;
}

describe('check configs', () => {
  it('fills the defaults of each known kind', () => {
    const c = CheckConfigSchema.parse({
      id: 1,
      device_id: 2,
      name: 'ping',
      kind: 'icmp',
      params: { host: '10.0.0.1' },
    });
    assert.deepEqual(c.params, { host: '10.0.0.1', count: 3, interval_ms: 250 });
    assert.equal(c.interval_s, 60);
    assert.equal(c.timeout_ms, 5_000);
    const h = CheckConfigSchema.parse({
      id: 1,
      device_id: 2,
      name: 'web',
      kind: 'http',
      params: { url: 'https://nvr.local/' },
    });
    assert.deepEqual(h.params, {
      url: 'https://nvr.local/',
      method: 'GET',
      expect_status: '200-399',
      keyword_absent: false,
      max_redirects: 5,
      verify_tls: true,
    });
  });

  const refused: [string, unknown, string][] = [
    ['a tcp check without a port', { kind: 'tcp', params: { host: 'a.example' } }, 'params.port'],
    [
      'an icmp host that is neither',
      { kind: 'icmp', params: { host: 'not a host!' } },
      'params.host: must be an IP address or a host name',
    ],
    [
      'an http URL with credentials',
      { kind: 'http', params: { url: 'http://u:p@nvr/' } },
      'params.url: must be an http:// or https:// URL without credentials',
    ],
    [
      'a HEAD with a keyword',
      { kind: 'http', params: { url: 'http://nvr/', method: 'HEAD', keyword: 'ok' } },
      'params.keyword: a HEAD request has no body to search',
    ],
    [
      'a bad status list',
      { kind: 'http', params: { url: 'http://nvr/', expect_status: '2xx' } },
      'params.expect_status',
    ],
    [
      'a dns server given by name',
      { kind: 'dns', params: { name: 'example.org', server: 'ns1.example' } },
      'params.server: must be an IPv4 or IPv6 address',
    ],
    ['an unknown param', { kind: 'tcp', params: { host: 'h', port: 1, extra: 1 } }, 'params'],
    ['an interval below 5 s', { kind: 'tcp', interval_s: 1, params: { host: 'h', port: 1 } }, 'interval_s'],
  ];
  for (const [what, fields, where] of refused) {
    it(`refuses ${what}, naming the field`, () => {
      const r = CheckConfigSchema.safeParse({ id: 1, device_id: 2, name: 'c', ...(fields as object) });
      assert.ok(issue(r).startsWith(where), issue(r));
    });
  }

  it('keeps a check of a kind this version does not know, for the agent to report', () => {
    const c = CheckConfigSchema.parse({
      id: 1,
      device_id: 2,
      name: 'x',
      kind: 'smtp',
      params: { host: 'mail' },
    });
    assert.equal(c.kind, 'smtp');
    assert.deepEqual(c.params, { host: 'mail' });
  });

  it('registers each kind once with its metrics', () => {
    assert.deepEqual([...CHECK_KINDS.keys()], ['icmp', 'tcp', 'http', 'dns']);
    for (const spec of CHECK_KINDS.values()) assert.ok(spec.metrics.length > 0, spec.kind);
    assert.throws(
      () => registry('check kind', [{ n: 'a' }, { n: 'a' }], (x) => x.n),
      /duplicate check kind name: a/,
    );
  });

  const statuses: [string, number, boolean][] = [
    ['200-399', 200, true],
    ['200-399', 399, true],
    ['200-399', 404, false],
    ['200,401', 401, true],
    ['200,401', 302, false],
    ['200-204,301-302', 302, true],
  ];
  for (const [list, code, ok] of statuses) {
    it(`status ${code} ${ok ? 'matches' : 'does not match'} "${list}"`, () =>
      assert.equal(statusMatches(list, code), ok));
  }
});

describe('config additions', () => {
  const base = { v: 1, version: 1, issued_at: TS, site_id: 1 };

  it('defaults to no checks, no custom OIDs and the trap receiver off on an unprivileged port', () => {
    const c = ConfigSchema.parse(base);
    assert.deepEqual(c.checks, []);
    assert.deepEqual(c.custom_oids, []);
    assert.equal(c.traps.enabled, false);
    assert.equal(c.traps.port, 1162);
  });

  it('names the field of a bad check inside a config', () => {
    const r = ConfigSchema.safeParse({
      ...base,
      checks: [{ id: 1, device_id: 1, name: 'c', kind: 'tcp', params: { host: 'h', port: 0 } }],
    });
    assert.match(issue(r), /^checks\.0\.params\.port: /);
  });

  it('refuses an inform user without the key its level needs', () => {
    const r = TrapConfigSchema.safeParse({
      users: [
        { username: 'trapper', security_level: 'authPriv', auth_protocol: 'sha', auth_key: 'authpass1' },
      ],
    });
    assert.equal(issue(r), 'users.0.priv_key: required with its priv_protocol');
  });

  it('normalises a custom OID and refuses a scale of 0', () => {
    const c = CustomOidSchema.parse({
      oid: '.1.3.6.1.4.1.318.1.1.1.2.2.2.0',
      name: 'ups_battery_temp',
      unit: 'celsius',
    });
    assert.equal(c.oid, '1.3.6.1.4.1.318.1.1.1.2.2.2.0');
    assert.equal(c.type, 'gauge');
    assert.equal(c.scale, 1);
    assert.equal(
      issue(CustomOidSchema.safeParse({ oid: '1.3.6.1', name: 'x', scale: 0 })),
      'scale: must not be 0',
    );
    assert.match(
      issue(CustomOidSchema.safeParse({ oid: 'iso.3.6', name: 'x' })),
      /^oid: must be a numeric OID/,
    );
    assert.match(
      issue(CustomOidSchema.safeParse({ oid: '1.3.6.1', name: 'Bad Name' })),
      /^name: metric name/,
    );
  });
});

describe('new events', () => {
  const ok = (e: unknown) => {
    const r = EventSchema.safeParse(e);
    assert.ok(r.success, r.success ? '' : r.error.issues[0]?.message);
    return r.data;
  };
  it('accepts a check state with facts', () => {
    ok({
      type: 'check_state',
      ts: TS,
      check_id: 3,
      device_id: 7,
      kind: 'http',
      status: 'up',
      response_ms: 41.5,
      facts: { status_code: 200, cert_issuer: 'CN=Test CA' },
    });
  });
  it('accepts a v1 trap translated to its v2 OID, and a trap_dropped summary', () => {
    ok({
      type: 'snmp_trap',
      ts: TS,
      device_id: 7,
      source: '10.0.0.5',
      version: '1',
      pdu: 'trap',
      trap_oid: '1.3.6.1.6.3.1.1.5.3',
      generic_trap: 2,
      specific_trap: 0,
      enterprise: '1.3.6.1.4.1.9',
      varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: 'INTEGER', value: '3' }],
    });
    ok({
      type: 'trap_dropped',
      ts: TS,
      source: '10.0.0.5',
      reason: 'rate_limit',
      dropped: 9950,
      since: TS - 60_000,
      total_dropped: 9950,
    });
  });
  it('refuses a malformed trap of the known type instead of keeping it as an unknown event', () => {
    const r = EventSchema.safeParse({
      type: 'snmp_trap',
      ts: TS,
      source: 'x',
      version: '2c',
      pdu: 'trap',
      trap_oid: 'linkDown',
    });
    assert.match(issue(r), /^trap_oid: must be a numeric OID/);
  });
});
