import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, redact } from './logger.js';

describe('logger', () => {
  it('never writes secrets or URL credentials', () => {
    const cases: [unknown, unknown][] = [
      [{ secret: 'abc' }, { secret: '<secret>' }],
      [{ snmp: { community: 'public', version: '2c' } }, { snmp: { community: '<secret>', version: '2c' } }],
      [{ url: 'rtsp://admin:pw@10.0.0.1/s' }, { url: 'rtsp://***@10.0.0.1/s' }],
      [
        { list: [{ auth_key: 'k', priv_key: 'p' }] },
        { list: [{ auth_key: '<secret>', priv_key: '<secret>' }] },
      ],
      [
        { n: 3, ok: true },
        { n: 3, ok: true },
      ],
    ];
    for (const [input, want] of cases) assert.deepEqual(redact(input), want);
  });

  it('writes one JSON object per line at or above its level', () => {
    const lines: string[] = [];
    const log = createLogger('info', { name: 't' }, (l) => lines.push(l)).child({ part: 'x' });
    log.debug({}, 'hidden');
    log.warn({ password: 'pw', err: new Error('boom') }, 'careful');
    assert.equal(lines.length, 1);
    const rec = JSON.parse(lines[0] ?? '');
    assert.equal(rec.level, 'warn');
    assert.equal(rec.msg, 'careful');
    assert.equal(rec.name, 't');
    assert.equal(rec.part, 'x');
    assert.equal(rec.password, '<secret>');
    assert.equal(rec.err.message, 'boom');
  });
});
