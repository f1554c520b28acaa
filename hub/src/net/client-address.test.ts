import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddress, type ProxyTrust, proxyList } from './client-address.js';

describe('client address', () => {
  const off: ProxyTrust = { trustProxy: false, trustedProxies: [] };
  const on: ProxyTrust = { trustProxy: true, trustedProxies: [] };
  const listed: ProxyTrust = { trustProxy: true, trustedProxies: ['10.0.0.0/8', '::1'] };
  const cases: [string, string | undefined, string | undefined, ProxyTrust, string][] = [
    ['no proxy trust: the socket peer, the header ignored', '192.0.2.7', '203.0.113.1', off, '192.0.2.7'],
    ['IPv4-mapped peer', '::ffff:192.0.2.7', undefined, off, '192.0.2.7'],
    ['no socket (in-process request)', undefined, undefined, off, 'unknown'],
    ['one trusted proxy: the hop it appended', '10.0.0.2', '203.0.113.1', on, '203.0.113.1'],
    [
      'a client-written left part is never believed',
      '10.0.0.2',
      '198.51.100.66, 203.0.113.1',
      on,
      '203.0.113.1',
    ],
    ['no header behind the proxy: the peer', '10.0.0.2', undefined, on, '10.0.0.2'],
    ['garbage where the proxy writes: the peer', '10.0.0.2', '1.2.3.4, not-an-ip', on, '10.0.0.2'],
    [
      'listed proxies are skipped from the right',
      '10.0.0.2',
      '198.51.100.66, 203.0.113.1, 10.1.1.1',
      listed,
      '203.0.113.1',
    ],
    ['a peer that is not a listed proxy: its own address', '192.0.2.9', '203.0.113.1', listed, '192.0.2.9'],
    ['IPv6 proxy and client', '::1', '2001:db8::5', listed, '2001:db8::5'],
    ['bracketed IPv6 with a port', '10.0.0.2', '[2001:db8::5]:4711', on, '2001:db8::5'],
    ['only proxies in the header: the peer', '10.0.0.2', '10.9.9.9', listed, '10.0.0.2'],
  ];
  for (const [name, peer, xff, trust, want] of cases) {
    it(name, () => assert.equal(clientAddress(peer, xff, trust), want));
  }

  it('refuses a bad proxy entry with its text', () => {
    assert.throws(() => proxyList(['10.0.0.0/33']), /"10.0.0.0\/33" has a bad prefix length/);
    assert.throws(() => proxyList(['proxy.local']), /"proxy.local" is not an IP address/);
  });
});
