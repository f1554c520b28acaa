import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from '@hono/zod-openapi';
import { Refusal } from '../refusal.js';
import { defineRoute } from './access.js';
import { createApp } from './app.js';
import { issueDetails } from './errors.js';
import { createTestHub, type TestHub } from './testing.js';

describe('error shape', () => {
  let hub: TestHub;
  before(async () => {
    hub = await createTestHub();
  });
  after(() => hub.close());

  it('turns an unexpected error into a 500 that leaks nothing, and logs it with the request id', async () => {
    const boom = defineRoute({
      method: 'get',
      path: '/boom',
      access: 'viewer',
      site: 'none',
      responses: { 200: { description: 'never', content: { 'application/json': { schema: z.object({}) } } } },
    });
    const app = createApp(hub.ctx, [
      {
        name: 'boom',
        register: (a) =>
          a.openapi(boom, () => {
            throw new Error('disk /var/lib/outpost/hub.db is corrupt near row 42');
          }),
      },
    ]);
    const res = await app.request('/api/v1/boom', {
      headers: { authorization: `Bearer ${hub.tokens.viewer}` },
    });
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: { code: string; message: string; request_id: string } };
    assert.equal(body.error.code, 'internal_error');
    assert.equal(body.error.message, 'internal error');
    assert.ok(!JSON.stringify(body).includes('corrupt'));
    const logged = hub.logs.find((l) => l.includes('corrupt near row 42'));
    assert.ok(logged, 'the error is logged');
    assert.ok(logged.includes(body.error.request_id));
  });

  it("answers a service's refusal with its code, message and details: 400 when invalid, 422 when unprocessable", async () => {
    const refusals: [Refusal, number][] = [
      [
        new Refusal('invalid', 'range_too_wide', 'too wide', [{ path: 'body.cidrs.0', message: 'too wide' }]),
        400,
      ],
      [new Refusal('unprocessable', 'unprocessable', 'the agent link is not running'), 422],
    ];
    for (const [refusal, status] of refusals) {
      const refuse = defineRoute({
        method: 'get',
        path: '/refuse',
        access: 'viewer',
        site: 'none',
        responses: {
          200: { description: 'never', content: { 'application/json': { schema: z.object({}) } } },
        },
      });
      const app = createApp(hub.ctx, [
        {
          name: 'refuse',
          register: (a) =>
            a.openapi(refuse, () => {
              throw refusal;
            }),
        },
      ]);
      const res = await app.request('/api/v1/refuse', {
        headers: { authorization: `Bearer ${hub.tokens.viewer}` },
      });
      assert.equal(res.status, status, refusal.code);
      assert.deepEqual(await res.json(), {
        error: {
          code: refusal.code,
          message: refusal.message,
          ...(refusal.details ? { details: refusal.details } : {}),
        },
      });
    }
  });

  it('answers unknown routes with the same shape', async () => {
    const res = await hub.req('GET', '/api/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
  });

  it('names nested field paths and each unknown key', () => {
    assert.deepEqual(
      issueDetails('json', [
        { path: ['snmp', 'port'], message: 'Too big' },
        { path: [], message: 'Unrecognized keys', code: 'unrecognized_keys', keys: ['a', 'b'] },
      ]),
      [
        { path: 'body.snmp.port', message: 'Too big' },
        { path: 'body.a', message: 'unknown field' },
        { path: 'body.b', message: 'unknown field' },
      ],
    );
    assert.deepEqual(issueDetails('query', [{ path: ['page'], message: 'x' }]), [
      { path: 'query.page', message: 'x' },
    ]);
  });
});
