import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, redactUrl } from './logger.js';

describe('logger', () => {
  it('censors secret fields at any of the first three levels', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        password: 'pw-1',
        snmp: { community: 'c-2', auth_key: 'k-3' },
        body: { device: { priv_key: 'p-4' } },
      },
      'x',
    );
    const line = lines.join('');
    for (const s of ['pw-1', 'c-2', 'k-3', 'p-4']) assert.ok(!line.includes(s), `${s} leaked: ${line}`);
    assert.match(line, /<secret>/);
  });

  const urls: [string, string][] = [
    ['rtsp://admin:pw@10.0.0.5:554/live', 'rtsp://10.0.0.5:554/live'],
    ['rtsp://10.0.0.5/live', 'rtsp://10.0.0.5/live'],
    ['mqtts://agent:s3cret@hub.example:8883', 'mqtts://hub.example:8883'],
    ['not a url //user:pw@host/x', 'not a url //host/x'],
  ];
  for (const [input, expected] of urls)
    it(`logs ${input} as ${expected}`, () => assert.equal(redactUrl(input), expected));
});
