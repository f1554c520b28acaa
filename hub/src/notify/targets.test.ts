import assert from 'node:assert/strict';
import type { LookupAddress, lookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../api/testing.js';
import { nonPublicRange, TargetPolicy } from '../net/target-policy.js';

describe('notification target policy', () => {
  const ranges: [string, string | undefined][] = [
    ['8.8.8.8', undefined],
    ['2606:4700:4700::1111', undefined],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'], // cloud metadata services
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'], // IPv4-mapped: the IPv4 address counts
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['2002:a00:1::1', 'private'], // 6to4 of 10.0.0.1
    ['::ffff:8.8.8.8', undefined],
  ];
  for (const [address, want] of ranges) {
    it(`${address} -> ${want ?? 'public'}`, () => assert.equal(nonPublicRange(address), want));
  }

  /** A resolver that answers every name with `addresses`. */
  const resolver = (addresses: string[]) =>
    ((_host: string, _opts: unknown, cb: (e: null, a: LookupAddress[]) => void) =>
      cb(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      )) as unknown as typeof lookup;

  it('checks what a name resolves to, every address of it', async () => {
    await assert.rejects(
      new TargetPolicy([], resolver(['10.0.0.9'])).address('hooks.example.org'),
      /hooks\.example\.org resolves to 10\.0\.0\.9 \(private\): not allowed/,
    );
    await assert.rejects(
      new TargetPolicy([], resolver(['8.8.8.8', '127.0.0.1'])).address('mixed.example.org'),
      /127\.0\.0\.1 \(loopback\)/,
    );
    assert.equal(await new TargetPolicy([], resolver(['8.8.4.4'])).address('ok.example.org'), '8.8.4.4');
  });

  it('lets an operator allow a local relay by network', async () => {
    const policy = new TargetPolicy(['10.0.5.25/32', 'fd00:1::/64'], resolver(['10.0.5.25']));
    assert.equal(await policy.address('relay.lan'), '10.0.5.25');
    assert.equal(policy.refusal('10.0.5.26'), 'private');
    assert.equal(policy.refusal('fd00:1::5'), undefined);
  });
});

describe('notification channels: targets and what a receiver says', () => {
  let hub: TestHub;
  let receiver: Server;
  let base: string;
  const hits: string[] = [];
  before(async () => {
    hub = await createTestHub(); // no notifyAllowedNetworks: loopback is refused
    receiver = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('INTERNAL-ONLY: db password is hunter2, admin panel at /secret');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  after(async () => {
    hub.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const channel = async (name: string, type: string, config: unknown, secrets: unknown) => {
    const r = await hub.req('POST', '/api/v1/notification-channels', {
      token: hub.tokens.admin,
      body: { name, type, config, secrets },
    });
    assert.equal(r.status, 201, await r.clone().text());
    return ((await r.json()) as { id: number }).id;
  };
  const test = async (id: number) =>
    (await (
      await hub.req('POST', `/api/v1/notification-channels/${id}/test`, { token: hub.tokens.admin })
    ).json()) as { ok: boolean; error: string | null };

  it('refuses a webhook on loopback, after resolving its name, and the receiver gets nothing', async () => {
    for (const [name, url] of [
      ['by-address', `${base}/hook`],
      ['by-name', `${base.replace('127.0.0.1', 'localhost')}/hook`],
    ] as const) {
      const id = await channel(name, 'webhook', { url }, { hmac_secret: 'shared-secret-of-enough-length' });
      const r = await test(id);
      assert.equal(r.ok, false);
      assert.match(r.error ?? '', /\(loopback\): not allowed as a notification target/);
    }
    assert.deepEqual(hits, []);
  });

  it('refuses an SMTP relay on loopback unless allowed', async () => {
    const id = await channel(
      'mail',
      'email',
      { host: '127.0.0.1', port: 2525, from: 'hub@example.org', to: ['ops@example.org'], tls: 'none' },
      {},
    );
    const r = await test(id);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /127\.0\.0\.1 \(loopback\): not allowed/);
  });

  it('never repeats a receiver body in the test result or the delivery log', async () => {
    const allowed = await createTestHub({ notifyAllowedNetworks: '127.0.0.1/32' });
    try {
      const r = await allowed.req('POST', '/api/v1/notification-channels', {
        token: allowed.tokens.admin,
        body: {
          name: 'leaky',
          type: 'webhook',
          config: { url: `${base}/leak` },
          secrets: { hmac_secret: 'x'.repeat(20) },
        },
      });
      const id = ((await r.json()) as { id: number }).id;
      const res = await allowed.req('POST', `/api/v1/notification-channels/${id}/test`, {
        token: allowed.tokens.admin,
      });
      const text = await res.text();
      assert.match(text, /HTTP 500/);
      assert.doesNotMatch(text, /INTERNAL-ONLY|hunter2/);
      const rows = await allowed.ctx.store.notifications.list();
      const log = rows.map((r) => r.last_error);
      const attempts = (await Promise.all(rows.map((r) => allowed.ctx.store.notifications.attempts(r.id))))
        .flat()
        .map((a) => a.error);
      assert.ok(log.length > 0 && attempts.length > 0);
      assert.doesNotMatch(JSON.stringify([log, attempts]), /INTERNAL-ONLY|hunter2/);
    } finally {
      allowed.close();
    }
  });
});
