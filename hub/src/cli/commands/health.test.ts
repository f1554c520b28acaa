import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthVerdict, localHealthUrl } from './health.js';

describe('outpost-hub health', () => {
  it('asks the configured port on this machine, whatever address the hub listens on', () => {
    const cases: [string, number, string][] = [
      ['0.0.0.0', 8080, 'http://127.0.0.1:8080/api/v1/health'],
      ['127.0.0.1', 9000, 'http://127.0.0.1:9000/api/v1/health'],
      ['10.1.2.3', 8080, 'http://10.1.2.3:8080/api/v1/health'],
      ['::', 8080, 'http://[::1]:8080/api/v1/health'],
      ['::1', 8081, 'http://[::1]:8081/api/v1/health'],
    ];
    for (const [host, httpPort, url] of cases) assert.equal(localHealthUrl({ host, httpPort }), url, host);
  });

  it('is healthy only for a 200 whose status is ok, and names what fails otherwise', () => {
    const url = 'http://127.0.0.1:8080/api/v1/health';
    const cases: [Parameters<typeof healthVerdict>[1], boolean, RegExp][] = [
      [
        { status: 200, body: { status: 'ok', version: '1.2.3', db: { ok: true } } },
        true,
        /^ok: hub 1\.2\.3 at /,
      ],
      [
        {
          status: 503,
          body: {
            status: 'degraded',
            db: { ok: true },
            checks: { broker: { ok: false, detail: 'not listening' } },
          },
        },
        false,
        /unhealthy: .*broker: not listening$/,
      ],
      [
        { status: 503, body: { status: 'degraded', db: { ok: false, error: 'disk I/O error' } } },
        false,
        /db: disk I\/O error/,
      ],
      [{ status: 200, body: { status: 'degraded' } }, false, /HTTP 200, status degraded/],
      [{ status: 200, body: { status: 'ok' } }, true, /^ok: hub at http:/], // anonymous: no version
      [{ status: 404, body: undefined }, false, /HTTP 404, status unknown/],
      [
        { error: 'ECONNREFUSED' },
        false,
        /^unhealthy: http:\/\/127\.0\.0\.1:8080\/api\/v1\/health: ECONNREFUSED$/,
      ],
    ];
    for (const [answer, ok, line] of cases) {
      const verdict = healthVerdict(url, answer);
      assert.equal(verdict.ok, ok, JSON.stringify(answer));
      assert.match(verdict.line, line);
    }
  });
});
