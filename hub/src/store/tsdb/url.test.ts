import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tsdbEndpoints } from './url.js';

describe('tsdbEndpoints', () => {
  it('derives remote write and query URLs from the base, or takes each as set', () => {
    const cases: [Parameters<typeof tsdbEndpoints>[0], string, string][] = [
      [{ tsdbUrl: 'http://vm:8428' }, 'http://vm:8428/api/v1/write', 'http://vm:8428/'],
      [
        { tsdbUrl: 'https://tsdb.example/prom/' },
        'https://tsdb.example/prom/api/v1/write',
        'https://tsdb.example/prom/',
      ],
      [
        { tsdbWriteUrl: 'http://mimir/api/v1/push', tsdbQueryUrl: 'http://mimir/prometheus' },
        'http://mimir/api/v1/push',
        'http://mimir/prometheus/',
      ],
      [
        { tsdbUrl: 'http://vminsert:8480', tsdbQueryUrl: 'http://vmselect:8481/select/0/prometheus' },
        'http://vminsert:8480/api/v1/write',
        'http://vmselect:8481/select/0/prometheus/',
      ],
    ];
    for (const [input, write, query] of cases) {
      const e = tsdbEndpoints(input);
      assert.equal(e?.writeUrl.href, write);
      assert.equal(e?.queryUrl.href, query);
    }
    assert.equal(tsdbEndpoints({}), undefined);
  });

  it('moves credentials into a basic-auth header, out of the URL', () => {
    const e = tsdbEndpoints({ tsdbUrl: 'http://hub:s%40cret@vm:8428' });
    assert.equal(e?.writeUrl.href, 'http://vm:8428/api/v1/write');
    assert.equal(e?.writeHeaders.Authorization, `Basic ${Buffer.from('hub:s@cret').toString('base64')}`);
    assert.equal(e?.queryHeaders.Authorization, e?.writeHeaders.Authorization);
  });

  it('refuses what it cannot use, naming the setting and why', () => {
    const cases: [Parameters<typeof tsdbEndpoints>[0], RegExp][] = [
      [{ tsdbUrl: 'vm:8428' }, /^tsdbUrl: .*http/],
      [{ tsdbUrl: 'not a url' }, /^tsdbUrl: not a URL/],
      [{ tsdbUrl: 'ftp://vm' }, /^tsdbUrl: ftp: is not supported/],
      [{ tsdbUrl: 'http://vm:8428/api/v1' }, /^tsdbUrl: give the base, without \/api\/v1/],
      [{ tsdbUrl: 'http://vm?x=1' }, /^tsdbUrl: must not have a query string/],
      [{ tsdbWriteUrl: 'http://vm/api/v1/write' }, /^tsdbUrl: needed unless both/],
    ];
    for (const [input, want] of cases)
      assert.throws(() => tsdbEndpoints(input), { message: want }, JSON.stringify(input));
  });
});
