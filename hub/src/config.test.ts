import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, envName, parseConfig, redactConfig } from './config-load.js';

describe('parseConfig', () => {
  it('fills the documented defaults', () => {
    const c = parseConfig({}, {});
    assert.equal(c.dataDir, './data');
    assert.equal(c.httpPort, 8080);
    assert.equal(c.bodyLimitBytes, 1024 * 1024);
    assert.equal(c.accessTokenTtlS, 900);
    assert.equal(c.passwordMinLength, 12);
    assert.equal(c.loginRateLimitPerMinute, 5);
    assert.equal(c.mqttPort, 1883);
    assert.equal(c.retentionRawDays, 7);
    assert.equal(c.retentionRollupDays, 90);
    assert.deepEqual(c.corsOrigins, []);
  });

  const precedence: [string, Parameters<typeof parseConfig>[0], Record<string, string>, number][] = [
    ['file over default', { file: { httpPort: 1000 } }, {}, 1000],
    ['env over file', { file: { httpPort: 1000 } }, { OUTPOST_HTTP_PORT: '2000' }, 2000],
    [
      'flag over env',
      { file: { httpPort: 1000 }, flags: { httpPort: '3000' } },
      { OUTPOST_HTTP_PORT: '2000' },
      3000,
    ],
    ['undefined flag ignored', { flags: { httpPort: undefined } }, { OUTPOST_HTTP_PORT: '2000' }, 2000],
    ['empty env ignored', { file: { httpPort: 1000 } }, { OUTPOST_HTTP_PORT: '' }, 1000],
  ];
  for (const [name, raw, env, port] of precedence) {
    it(`precedence: ${name}`, () => assert.equal(parseConfig(raw, env).httpPort, port));
  }

  it('coerces env strings: numbers, booleans, comma lists', () => {
    const c = parseConfig(
      {},
      {
        OUTPOST_TRUST_PROXY: 'true',
        OUTPOST_CORS_ORIGINS: 'https://a.example, https://b.example',
        OUTPOST_BODY_LIMIT_BYTES: '2048',
      },
    );
    assert.equal(c.trustProxy, true);
    assert.deepEqual(c.corsOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(c.bodyLimitBytes, 2048);
  });

  const bad: [string, Parameters<typeof parseConfig>[0], Record<string, string>, RegExp][] = [
    ['unknown file key', { file: { htpPort: 1 } }, {}, /htpPort: unknown key \(config file\)/],
    ['port out of range', { file: { httpPort: 70000 } }, {}, /httpPort: .*\(config file\)/],
    ['non-numeric env', {}, { OUTPOST_HTTP_PORT: 'abc' }, /httpPort: .*\(env OUTPOST_HTTP_PORT\)/],
    ['bad boolean', {}, { OUTPOST_TRUST_PROXY: 'maybe' }, /trustProxy/],
    ['bad log level', { flags: { logLevel: 'loud' } }, {}, /logLevel: .*\(flag\)/],
    ['file not an object', { file: [1] }, {}, /must hold a JSON object/],
  ];
  for (const [name, raw, env, message] of bad) {
    it(`rejects ${name} naming the key and its source`, () => {
      assert.throws(
        () => parseConfig(raw, env),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('maps keys to OUTPOST_* names', () => {
    assert.equal(envName('httpPort'), 'OUTPOST_HTTP_PORT');
    assert.equal(envName('dataDir'), 'OUTPOST_DATA_DIR');
    assert.equal(envName('retentionRawDays'), 'OUTPOST_RETENTION_RAW_DAYS');
  });

  it('prints secrets as <secret>', () => {
    const r = redactConfig(
      parseConfig({}, { OUTPOST_ADMIN_PASSWORD: 'hunter2-hunter2', OUTPOST_SECRET_KEY: 'k' }),
    );
    assert.equal(r.adminPassword, '<secret>');
    assert.equal(r.secretKey, '<secret>');
    assert.ok(!JSON.stringify(r).includes('hunter2'));
  });

  it("reads the agents' trap receiver settings and never prints the trap community", () => {
    const c = parseConfig(
      {},
      {
        OUTPOST_AGENT_TRAPS_ENABLED: 'true',
        OUTPOST_AGENT_TRAPS_PORT: '162',
        OUTPOST_AGENT_TRAPS_COMMUNITY: 'trap-s3cret',
      },
    );
    assert.equal(c.agentTrapsEnabled, true);
    assert.equal(c.agentTrapsPort, 162);
    assert.equal(redactConfig(c).agentTrapsCommunity, '<secret>');
    assert.throws(() => parseConfig({}, { OUTPOST_AGENT_TRAPS_PORT: '70000' }), /agentTrapsPort/);
  });

  it('reads the TSDB URLs, refuses unusable ones naming the key and source, and never prints a password', () => {
    const c = parseConfig({ flags: { tsdbUrl: 'http://hub:vm-s3cret@vm:8428' } }, {});
    assert.equal(c.tsdbUrl, 'http://hub:vm-s3cret@vm:8428');
    assert.equal(c.tsdbTimeoutMs, 10_000);
    const printed = JSON.stringify(redactConfig(c));
    assert.ok(!printed.includes('vm-s3cret'), printed);
    assert.match(printed, /http:\/\/hub:<secret>@vm:8428/);
    assert.throws(
      () => parseConfig({}, { OUTPOST_TSDB_URL: 'ftp://vm' }),
      /tsdbUrl: ftp: is not supported .*\(env OUTPOST_TSDB_URL\)/,
    );
    assert.throws(
      () => parseConfig({ file: { tsdbWriteUrl: 'http://vm/api/v1/write' } }, {}),
      /tsdbUrl: needed unless both tsdbWriteUrl and tsdbQueryUrl are set/,
    );
  });
});
