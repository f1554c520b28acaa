import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolvePushUrl } from './push-url.js';

describe('live push URL', () => {
  const cases: [string, string, string, string | RegExp][] = [
    [
      'a path on an http hub',
      '/api/v1/cameras/live/push/s1?token=t',
      'http://hub.lan:8080',
      'ws://hub.lan:8080/api/v1/cameras/live/push/s1?token=t',
    ],
    [
      'a path on an https hub',
      '/api/v1/cameras/live/push/s1?token=t',
      'https://hub.example.org/outpost',
      'wss://hub.example.org/api/v1/cameras/live/push/s1?token=t',
    ],
    [
      'the same origin in full',
      'wss://hub.example.org/x?token=t',
      'https://hub.example.org',
      'wss://hub.example.org/x?token=t',
    ],
    [
      'default port written out',
      'wss://hub.example.org:443/x',
      'https://hub.example.org',
      'wss://hub.example.org/x',
    ],
    [
      "several hubs: this hub's path on the load balancer",
      'wss://lb.example.org/hub-2/api/v1/cameras/live/push/s1?token=t',
      'https://lb.example.org',
      'wss://lb.example.org/hub-2/api/v1/cameras/live/push/s1?token=t',
    ],
    ['host case', 'ws://HUB.lan:8080/x', 'http://hub.lan:8080', 'ws://hub.lan:8080/x'],
    [
      'another host',
      'ws://attacker.example:8080/x',
      'http://hub.lan:8080',
      /refusing to push to ws:\/\/attacker\.example:8080: not this agent's hub \(ws:\/\/hub\.lan:8080\)/,
    ],
    [
      'another port (a LAN scan)',
      'ws://hub.lan:22/x',
      'http://hub.lan:8080',
      /refusing to push to ws:\/\/hub\.lan:22/,
    ],
    ['a site-LAN address', 'ws://10.0.0.1:554/x', 'http://hub.lan:8080', /refusing/],
    [
      'plain ws to a TLS hub',
      'ws://hub.example.org/x',
      'https://hub.example.org',
      /refusing to push to ws:\/\/hub\.example\.org/,
    ],
    ['a protocol-relative URL', '//attacker.example/x', 'http://hub.lan:8080', /refusing|not a URL/],
    ['userinfo', 'ws://user:pw@hub.lan:8080/x', 'http://hub.lan:8080', /carries credentials/],
    ['garbage', 'ws://[nope', 'http://hub.lan:8080', /not a URL/],
  ];
  for (const [name, push, hub, want] of cases) {
    it(name, () => {
      const r = resolvePushUrl(push, hub);
      if (typeof want === 'string') assert.deepEqual(r, { ok: true, url: want });
      else {
        assert.equal(r.ok, false);
        assert.match((r as { reason: string }).reason, want);
      }
    });
  }
});
