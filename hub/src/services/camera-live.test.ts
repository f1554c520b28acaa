import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../config-load.js';
import { pushBaseOf } from './camera-live.js';

describe('live push base', () => {
  const cases: { name: string; publicUrl?: string; livePushUrl?: string; want: string }[] = [
    { name: 'none configured: a path on the hub the agent enrolled with', want: '' },
    { name: 'publicUrl, as WebSocket', publicUrl: 'https://hub.example.org/', want: 'wss://hub.example.org' },
    {
      name: "several hubs: this hub's own livePushUrl (a path on the load balancer) wins over publicUrl",
      publicUrl: 'https://hub.example.org',
      livePushUrl: 'https://hub.example.org/hub-2/',
      want: 'wss://hub.example.org/hub-2',
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

  // Agents push only to the origin they enrolled with (publicUrl): a livePushUrl elsewhere would be refused
  // by every agent, so the hub refuses it at start.
  const origins: [string, string, RegExp | null][] = [
    ['a path on the same origin', 'https://lb.example.org/hub-2', null],
    ['the same origin as WebSocket', 'wss://lb.example.org:443/hub-2', null],
    [
      'another host',
      'https://hub-2.example.org',
      /livePushUrl: must be on publicUrl's origin \(https:\/\/lb\.example\.org\)/,
    ],
    ['another port', 'https://lb.example.org:8443', /livePushUrl: must be on publicUrl's origin/],
    ['plain http under an https publicUrl', 'http://lb.example.org/hub-2', /livePushUrl: must be on/],
  ];
  for (const [name, livePushUrl, refused] of origins) {
    it(`livePushUrl with publicUrl https://lb.example.org: ${name} -> ${refused ? 'refused' : 'accepted'}`, () => {
      const env = { OUTPOST_PUBLIC_URL: 'https://lb.example.org', OUTPOST_LIVE_PUSH_URL: livePushUrl };
      if (refused) assert.throws(() => parseConfig({}, env), refused);
      else assert.equal(parseConfig({}, env).livePushUrl, livePushUrl);
    });
  }
});
