import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../config-load.js';
import { pushBaseOf } from './camera-live.js';

describe('live push base', () => {
  const cases: { name: string; publicUrl?: string; livePushUrl?: string; want: string }[] = [
    { name: 'none configured: a path on the hub the agent enrolled with', want: '' },
    { name: 'publicUrl, as WebSocket', publicUrl: 'https://hub.example.org/', want: 'wss://hub.example.org' },
    {
      name: "several hubs: this hub's own livePushUrl wins over the load balancer's publicUrl",
      publicUrl: 'https://hub.example.org',
      livePushUrl: 'http://hub-2.internal:8080',
      want: 'ws://hub-2.internal:8080',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(pushBaseOf(c.publicUrl, c.livePushUrl), c.want);
    });
  }

  it('reads livePushUrl from OUTPOST_LIVE_PUSH_URL and refuses one that is not a URL', () => {
    const ok = parseConfig({}, { OUTPOST_LIVE_PUSH_URL: 'https://hub-1.internal' });
    assert.equal(ok.livePushUrl, 'https://hub-1.internal');
    assert.throws(() => parseConfig({}, { OUTPOST_LIVE_PUSH_URL: 'hub-1' }), /livePushUrl/);
  });
});
