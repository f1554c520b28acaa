import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from './config.js';

const facts = { systemDataDir: false, cwd: '/srv' };

describe('parseConfig', () => {
  it('uses defaults: ./data, or /var/lib/outpost-agent on a packaged install', () => {
    assert.equal(parseConfig(undefined, {}, {}, facts).dataDir, '/srv/data');
    assert.equal(
      parseConfig(undefined, {}, {}, { ...facts, systemDataDir: true }).dataDir,
      '/var/lib/outpost-agent',
    );
    const s = parseConfig(undefined, {}, {}, facts);
    assert.equal(s.outboxMaxBytes, 256 * 1024 * 1024);
    assert.equal(s.logLevel, 'info');
    assert.equal(s.linkMaxInFlight, 4);
    assert.equal(s.batchEncoding, 'auto');
  });

  it('applies flags over environment over file over defaults', () => {
    const cases = [
      { file: { log_level: 'warn' }, env: {}, flags: {}, want: 'warn' },
      { file: { log_level: 'warn' }, env: { OUTPOST_LOG_LEVEL: 'error' }, flags: {}, want: 'error' },
      {
        file: { log_level: 'warn' },
        env: { OUTPOST_LOG_LEVEL: 'error' },
        flags: { logLevel: 'debug' },
        want: 'debug',
      },
      { file: undefined, env: { OUTPOST_LOG_LEVEL: '' }, flags: {}, want: 'info' },
    ];
    for (const c of cases)
      assert.equal(parseConfig(c.file, c.env, c.flags, facts).logLevel, c.want, JSON.stringify(c));
    assert.equal(
      parseConfig({ data_dir: '/a' }, { OUTPOST_DATA_DIR: '/b' }, { data: 'rel' }, facts).dataDir,
      '/srv/rel',
    );
    assert.equal(
      parseConfig({ outbox_max_bytes: 100_000 }, { OUTPOST_OUTBOX_MAX_BYTES: '200000' }, {}, facts)
        .outboxMaxBytes,
      200_000,
    );
    assert.equal(
      parseConfig({ batch_encoding: 'auto' }, { OUTPOST_BATCH_ENCODING: 'json' }, {}, facts).batchEncoding,
      'json',
    );
    assert.equal(parseConfig(undefined, {}, {}, facts).rtspTlsVerify, true, 'rtsps is verified by default');
    assert.equal(
      parseConfig(undefined, { OUTPOST_RTSP_TLS_VERIFY: 'false' }, {}, facts).rtspTlsVerify,
      false,
    );
    assert.equal(parseConfig({ rtsp_tls_verify: false }, {}, {}, facts).rtspTlsVerify, false);
    assert.throws(
      () => parseConfig(undefined, { OUTPOST_RTSP_TLS_VERIFY: 'maybe' }, {}, facts),
      /OUTPOST_RTSP_TLS_VERIFY: must be true or false/,
    );
  });

  it('rejects bad input naming the field and its source', () => {
    const cases: [unknown, Record<string, string>, RegExp][] = [
      [{ data_dir: '/x', colour: 'red' }, {}, /settings file: unknown setting "colour"/],
      [{ outbox_max_bytes: 10 }, {}, /settings file: outbox_max_bytes: must be at least 65536/],
      [undefined, { OUTPOST_OUTBOX_MAX_BYTES: 'lots' }, /environment: OUTPOST_OUTBOX_MAX_BYTES/],
      [undefined, { OUTPOST_LOG_LEVEL: 'loud' }, /environment: OUTPOST_LOG_LEVEL/],
      [{ batch_encoding: 'compact' }, {}, /settings file: batch_encoding/],
      [[1, 2], {}, /settings file: must be a JSON object/],
      [{ reconnect_min_ms: 5000, reconnect_max_ms: 1000 }, {}, /reconnect_max_ms/],
    ];
    for (const [file, env, re] of cases) {
      assert.throws(
        () => parseConfig(file, env, {}, facts),
        (err: Error) => err instanceof ConfigError && re.test(err.message),
        String(re),
      );
    }
    assert.throws(() => parseConfig(undefined, {}, { logLevel: 'chatty' }, facts), /command line: log_level/);
  });

  it('ignores OUTPOST_* variables it does not own (the hub shares the prefix)', () => {
    assert.doesNotThrow(() => parseConfig(undefined, { OUTPOST_HTTP_PORT: '8080' }, {}, facts));
  });
});
