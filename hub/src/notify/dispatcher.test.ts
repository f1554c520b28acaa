import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { testContext } from '../alerts/testing.js';
import type { HubContext } from '../context.js';
import { TargetPolicy } from '../net/target-policy.js';
import { sign } from '../notifiers/webhook.js';
import type { AlertRow } from '../store/alerts.js';
import type { ChannelInput } from '../store/channels.js';
import { backoffMs, Dispatcher } from './dispatcher.js';
import { alertMessage } from './format.js';

interface Received {
  path: string;
  body: string;
  headers: IncomingMessage['headers'];
  at: number;
}

const HMAC_SECRET = 'a-long-shared-webhook-secret';
let http: Server;
let httpBase: string;
const received: Received[] = [];
const plan = new Map<string, number[]>(); // path -> statuses to answer in order (then 200)

let smtp: SMTPServer;
let smtpPort: number;
/** The receivers of this file run on loopback, which the hub refuses unless allowed. */
const LOCAL = new TargetPolicy(['127.0.0.1/32']);
const mails: { from: string; to: string[]; raw: string }[] = [];

before(async () => {
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body, headers: req.headers, at: Date.now() });
      const status = plan.get(req.url ?? '')?.shift() ?? 200;
      if (status === 429) res.setHeader('retry-after', '1');
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
      });
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((r) => http.close(() => r()));
  await new Promise<void>((r) => smtp.close(() => r()));
});

let ctx: HubContext;
let cleanup: () => Promise<void>;
let dispatcher: Dispatcher;

beforeEach(async () => {
  ({ ctx, cleanup } = await testContext());
  received.length = 0;
  mails.length = 0;
  plan.clear();
});
afterEach(async () => {
  await dispatcher?.stop();
  await cleanup();
});

function channel(name: string, type: string, config: unknown, secret: unknown): Promise<number> {
  const input: ChannelInput = {
    name,
    type,
    enabled: true,
    min_severity: 'info',
    daily_summary: true,
    config,
    secret: ctx.secrets.encrypt(JSON.stringify(secret)),
    routes: [],
  };
  return ctx.store.channels.save(null, input, Date.now());
}

function startDispatcher(maxAttempts = 5) {
  dispatcher = new Dispatcher({
    store: ctx.store,
    secrets: ctx.secrets,
    targets: LOCAL,
    logger: ctx.logger,
    clock: Date.now,
    timeoutMs: 3000,
    maxAttempts,
    baseBackoffMs: 100,
    pollMs: 50,
  });
  dispatcher.start();
}

const ALERT = {
  id: 42,
  rule: 'device-unreachable',
  severity: 'high',
  state: 'open',
  title: 'Device core-sw unreachable',
  message: 'timeout after 2 retries',
  device_id: 7,
  camera_id: null,
  site_id: 1,
  agent_id: null,
  target_key: 'device:7',
  created_at: Date.now() - 60_000,
  opened_at: Date.now() - 60_000,
  count: 1,
  resolved_at: null,
  transitions: '[]',
  acknowledged: 0,
  suppressed: 0,
  flapping: 0,
} as unknown as AlertRow;

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const status = async (id: number) => {
  const row = await ctx.store.notifications.get(id);
  if (!row) throw new Error(`no outbox row ${id}`);
  return { status: row.status, attempts: row.attempts, last_error: row.last_error };
};

describe('notification delivery to real receivers', () => {
  it('an in-process SMTP server receives the e-mail with the right subject and body', async () => {
    const ch = await channel(
      'mail',
      'email',
      {
        host: '127.0.0.1',
        port: smtpPort,
        tls: 'none',
        from: 'outpost@example.test',
        to: ['noc@example.test'],
      },
      {},
    );
    startDispatcher();
    const id = await dispatcher.enqueue(ch, null, alertMessage('problem', ALERT, Date.now()));
    await until('mail', () => mails.length === 1);
    const mail = mails[0]!;
    assert.deepEqual(mail.to, ['noc@example.test']);
    assert.equal(mail.from, 'outpost@example.test');
    assert.match(mail.raw, /^Subject: \[Outpost\] PROBLEM high: Device core-sw unreachable\r?$/m);
    assert.match(mail.raw, /Detail: timeout after 2 retries/);
    assert.match(mail.raw, /Alert id: 42/);
    await until('delivered', async () => (await status(id)).status === 'delivered');
  });

  it('a local HTTP receiver gets the webhook and verifies its HMAC signature', async () => {
    const ch = await channel('hook', 'webhook', { url: `${httpBase}/hook` }, { hmac_secret: HMAC_SECRET });
    startDispatcher();
    const id = await dispatcher.enqueue(
      ch,
      null,
      alertMessage('recovery', { ...ALERT, state: 'resolved', resolved_at: Date.now() }, Date.now()),
    );
    await until('webhook', () => received.some((r) => r.path === '/hook'));
    const r = received.find((x) => x.path === '/hook')!;
    const header = String(r.headers['x-outpost-signature']);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    assert.ok(m, header);
    assert.equal(m[2], sign(HMAC_SECRET, Number(m[1]), r.body), 'signature verifies over t.body');
    assert.notEqual(m[2], sign('another-secret-of-enough-length', Number(m[1]), r.body));
    const body = JSON.parse(r.body);
    assert.equal(body.event, 'recovery');
    assert.equal(body.alert.id, 42);
    assert.equal(r.headers['x-outpost-delivery'], `outbox-${id}`);
    await until('delivered', async () => (await status(id)).status === 'delivered');
  });

  it('failing and rate-limited receivers are retried (429 after Retry-After) while the others deliver', async () => {
    plan.set('/flaky', [500, 503]);
    plan.set('/limited', [429]);
    plan.set('/broken', [500, 500, 500, 500, 500]);
    const flaky = await channel(
      'flaky',
      'webhook',
      { url: `${httpBase}/flaky` },
      { hmac_secret: HMAC_SECRET },
    );
    const limited = await channel('slack', 'slack', {}, { webhook_url: `${httpBase}/limited` });
    const broken = await channel(
      'broken',
      'webhook',
      { url: `${httpBase}/broken` },
      { hmac_secret: HMAC_SECRET },
    );
    const good = await channel('good', 'webhook', { url: `${httpBase}/good` }, { hmac_secret: HMAC_SECRET });
    const mail = await channel(
      'mail',
      'email',
      {
        host: '127.0.0.1',
        port: smtpPort,
        tls: 'none',
        from: 'outpost@example.test',
        to: ['noc@example.test'],
      },
      {},
    );
    startDispatcher(3);
    const msg = alertMessage('problem', ALERT, Date.now());
    const ids: Record<string, number> = {};
    for (const [k, ch] of Object.entries({ flaky, limited, broken, good, mail }))
      ids[k] = await dispatcher.enqueue(ch, null, msg);
    await until(
      'good and mail',
      async () =>
        (await status(ids.good!)).status === 'delivered' && (await status(ids.mail!)).status === 'delivered',
    );
    await until('all settled', async () => {
      for (const k of ['flaky', 'limited', 'broken'])
        if ((await status(ids[k]!)).status === 'pending') return false;
      return true;
    });
    assert.deepEqual(
      {
        flaky: (await status(ids.flaky!)).status,
        limited: (await status(ids.limited!)).status,
        broken: (await status(ids.broken!)).status,
      },
      { flaky: 'delivered', limited: 'delivered', broken: 'failed' },
    );
    assert.equal((await status(ids.flaky!)).attempts, 3);
    assert.equal((await status(ids.broken!)).attempts, 3, 'given up after maxAttempts');
    assert.match((await status(ids.broken!)).last_error!, /HTTP 500/);
    const limitedHits = received.filter((r) => r.path === '/limited');
    assert.equal(limitedHits.length, 2);
    assert.ok(limitedHits[1]!.at - limitedHits[0]!.at >= 950, 'waited for Retry-After: 1');
    const goodAt = received.find((r) => r.path === '/good')!.at;
    assert.ok(goodAt < limitedHits[1]!.at, 'the good channel did not wait for the rate-limited one');
    const log = (await ctx.store.notifications.attempts(ids.limited!)).map((a) => ({
      ok: a.ok,
      status_code: a.status_code,
    }));
    assert.deepEqual(log, [
      { ok: 0, status_code: 429 },
      { ok: 1, status_code: 200 },
    ]);
  });

  it('a 4xx other than 429 is given up at once, without retries', async () => {
    plan.set('/gone', [404]);
    const gone = await channel('gone', 'webhook', { url: `${httpBase}/gone` }, { hmac_secret: HMAC_SECRET });
    startDispatcher();
    const id = await dispatcher.enqueue(gone, null, alertMessage('problem', ALERT, Date.now()));
    await until('failed', async () => (await status(id)).status === 'failed');
    assert.equal((await status(id)).attempts, 1);
  });

  it('messages queued before a restart are delivered by the next dispatcher', async () => {
    const ch = await channel(
      'hook',
      'webhook',
      { url: `${httpBase}/after-restart` },
      { hmac_secret: HMAC_SECRET },
    );
    const before = new Dispatcher({
      store: ctx.store,
      secrets: ctx.secrets,
      targets: LOCAL,
      logger: ctx.logger,
      clock: Date.now,
    });
    const id = await before.enqueue(ch, null, alertMessage('problem', ALERT, Date.now())); // never started: a crash
    await before.stop();
    assert.equal((await status(id)).status, 'pending');
    startDispatcher();
    await until('delivered after restart', async () => (await status(id)).status === 'delivered');
    assert.equal(received.filter((r) => r.path === '/after-restart').length, 1);
  });

  it('backoff doubles per attempt up to its cap', () => {
    const table: [number, number][] = [
      [1, 100],
      [2, 200],
      [3, 400],
      [10, 1000],
    ];
    for (const [attempt, expected] of table)
      assert.equal(
        backoffMs(attempt, 100, 1000, () => 0),
        expected,
      );
  });
});
