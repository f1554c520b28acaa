import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EnrollError, enroll } from './enroll.js';

type Reply = { status: number; body: unknown };
let reply: Reply = { status: 200, body: {} };
let received: unknown;
const server = http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => {
    data += c;
  });
  req.on('end', () => {
    received = { url: req.url, method: req.method, body: JSON.parse(data || 'null') };
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  });
});
let base = '';

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const GOOD = {
  agent_id: 'agent-0123',
  secret: 'not-printed-secret',
  site_id: 3,
  mqtt: { urls: ['mqtt://127.0.0.1:1883'] },
  hub_url: 'http://127.0.0.1:8080',
};

describe('enroll', () => {
  it('posts token, hostname and version, and returns the identity to store', async () => {
    reply = { status: 201, body: GOOD };
    const id = await enroll(`${base}/`, 'tok-1');
    assert.deepEqual(received && (received as { url: string }).url, '/api/v1/agents/enroll');
    const body = (received as { body: Record<string, unknown> }).body;
    assert.equal(body.token, 'tok-1');
    assert.equal(typeof body.hostname, 'string');
    assert.equal(typeof body.version, 'string');
    assert.equal(id.agent_id, 'agent-0123');
    assert.deepEqual(id.mqtt_urls, ['mqtt://127.0.0.1:1883']);
    assert.equal(id.site_id, 3);
  });

  it('explains every failure in plain words', async () => {
    const cases: [Reply, RegExp][] = [
      [
        { status: 410, body: { error: { code: 'token_expired', message: 'the token expired' } } },
        /the hub refused the enrollment: the token expired \(token_expired\)/,
      ],
      [
        { status: 409, body: { error: { code: 'token_used', message: 'the token was already used' } } },
        /already used \(token_used\).*new token/,
      ],
      [{ status: 404, body: 'not found' }, /HTTP 404 \(is this the hub URL\?\)/],
      [
        { status: 503, body: { error: { code: 'unavailable', message: 'starting' } } },
        /the hub failed to enroll this agent: HTTP 503: starting/,
      ],
      [{ status: 201, body: { ...GOOD, mqtt: { urls: [] } } }, /unexpected enrollment response: mqtt\.urls/],
      [{ status: 201, body: { ...GOOD, agent_id: 'bad/id' } }, /unusable identity: agent_id/],
    ];
    for (const [r, re] of cases) {
      reply = r;
      await assert.rejects(
        enroll(base, 't'),
        (err: Error) => err instanceof EnrollError && re.test(err.message),
        String(re),
      );
    }
  });

  it('says when the hub cannot be reached or the URL is wrong', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await assert.rejects(
      enroll(`http://127.0.0.1:${port}`, 't'),
      /cannot reach the hub at http:\/\/127\.0\.0\.1:\d+\/: ECONNREFUSED/,
    );
    await assert.rejects(enroll('hub.example.net', 't'), /--hub: "hub.example.net" is not an http/);
  });
});
