import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceFromFlags, formatPoll } from './poll.js';

describe('outpost-agent poll flags', () => {
  it('builds a v2c device with defaults', () => {
    const r = deviceFromFlags({ ip: '192.0.2.1', community: 'pub-lic' });
    assert.ok(r.ok);
    assert.deepEqual(r.device.snmp, { version: '2c', community: 'pub-lic' });
    assert.equal(r.device.port, 161);
    assert.equal(r.device.timeout_ms, 2000);
    assert.deepEqual(r.device.profiles, []);
  });
  it('takes secrets from the environment and infers the v3 level from the keys given', () => {
    const r = deviceFromFlags(
      { ip: '2001:db8::1', v3User: 'mon', authProtocol: 'sha256' },
      { OUTPOST_SNMP_AUTH_KEY: 'auth-pass-1', OUTPOST_SNMP_PRIV_KEY: 'priv-pass-1' },
    );
    assert.ok(r.ok);
    assert.deepEqual(r.device.snmp, {
      version: '3',
      username: 'mon',
      security_level: 'authPriv',
      auth_protocol: 'sha256',
      auth_key: 'auth-pass-1',
      priv_protocol: 'aes',
      priv_key: 'priv-pass-1',
    });
  });
  const bad: { name: string; flags: Parameters<typeof deviceFromFlags>[0]; error: RegExp }[] = [
    { name: 'no address', flags: { community: 'c' }, error: /^--ip is required$/ },
    {
      name: 'a bad address',
      flags: { ip: '10.0.0', community: 'c' },
      error: /^--ip: must be an IPv4 or IPv6 address$/,
    },
    { name: 'no credentials', flags: { ip: '10.0.0.1' }, error: /--community .* or --v3-user/ },
    {
      name: 'a community with v3',
      flags: { ip: '10.0.0.1', community: 'c', v3User: 'u' },
      error: /--community is for SNMP v1\/v2c/,
    },
    { name: 'v3 keys without a user', flags: { ip: '10.0.0.1', privKey: 'x' }, error: /need --v3-user/ },
    {
      name: 'a short auth key',
      flags: { ip: '10.0.0.1', v3User: 'u', authKey: 'short-k' },
      error: /^--auth-key .*: Too small/,
    },
    {
      name: 'authPriv without a priv key',
      flags: { ip: '10.0.0.1', v3User: 'u', v3Level: 'authPriv', authKey: 'long-enough' },
      error: /^--priv-key .*: required$/,
    },
    {
      name: 'a port out of range',
      flags: { ip: '10.0.0.1', community: 'c', port: '70000' },
      error: /^--port: /,
    },
    {
      name: 'a port that is not a number',
      flags: { ip: '10.0.0.1', community: 'c', port: '16x' },
      error: /^--port: /,
    },
    {
      name: 'a tiny timeout',
      flags: { ip: '10.0.0.1', community: 'c', timeout: '5' },
      error: /^--timeout: /,
    },
    {
      name: 'an unknown profile',
      flags: { ip: '10.0.0.1', community: 'c', profile: ['if-mib', 'nope'] },
      error: /^--profile: unknown profile "nope" \(known: system, if-mib/,
    },
  ];
  for (const c of bad) {
    it(`refuses ${c.name} with an error naming the flag, never the secret`, () => {
      const r = deviceFromFlags(c.flags);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.error, c.error);
        assert.doesNotMatch(r.error, /short-k|long-enough/);
      }
    });
  }
});

describe('outpost-agent poll output', () => {
  it('prints the state, the system facts, errors, and a row per sample, interfaces in index order', () => {
    const r = deviceFromFlags({ ip: '192.0.2.1', community: 'secret-community' });
    assert.ok(r.ok);
    const ts = Date.UTC(2026, 0, 1);
    const text = formatPoll(r.device, {
      samples: [
        {
          device_id: 1,
          metric: 'if_in_bps',
          value: 1234.5678,
          unit: 'bps',
          ts,
          labels: { if_index: '10', if_name: 'Gi0/10' },
        },
        {
          device_id: 1,
          metric: 'if_in_bps',
          value: 5,
          unit: 'bps',
          ts,
          labels: { if_index: '2', if_name: 'Gi0/2' },
        },
        { device_id: 1, metric: 'sys_uptime', value: 86400, unit: 's', ts },
      ],
      events: [
        {
          type: 'device_state',
          ts,
          device_id: 1,
          status: 'online',
          sys: { name: 'core-sw', descr: 'IOS\r\nmore' },
        },
        { type: 'error', ts, device_id: 1, message: 'device 1 (192.0.2.1): profile cisco: walk x: timeout' },
      ],
    });
    assert.match(text, /^192\.0\.2\.1:161 {2}online\n {2}name {7}core-sw\n {2}descr {6}IOS\n/);
    assert.match(text, /error: device 1 \(192\.0\.2\.1\): profile cisco: walk x: timeout/);
    assert.ok(
      text.indexOf('sys_uptime') < text.indexOf('Gi0/2') && text.indexOf('Gi0/2') < text.indexOf('Gi0/10'),
    );
    assert.match(text, /if_in_bps +if_index=10 if_name=Gi0\/10 +1234\.57 bps/);
    assert.doesNotMatch(text, /secret-community/);
  });
});
