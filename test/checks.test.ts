// Each check kind against a real local peer: fping to 127.0.0.1 and to a silent address in a namespace made
// here, TCP to an open and a closed port, HTTPS with a self-signed certificate that expires in 5 days, DNS
// against dnsmasq. Runs the agent's check runner (the same policy the runtime uses).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CheckConfigInput, CheckConfigSchema, type KnownEvent } from '@outpost/protocol';
import { parseFpingSummary } from '../agent/src/checks/icmp.js';
import { createCheckRunner } from '../agent/src/checks/runner.js';
import { type RunningDnsmasq, startDnsmasq } from './support/dnsmasq.js';
import { createTestNetns, netnsUnavailable, type TestNetns } from './support/netns.js';
import { IN_CI, needPeers } from './support/peers.js';

let nextId = 1;
const check = (kind: string, params: Record<string, unknown>, extra: Partial<CheckConfigInput> = {}) =>
  CheckConfigSchema.parse({ id: nextId++, device_id: 7, name: `${kind} check`, kind, params, ...extra });

function stateOf(events: KnownEvent[]) {
  const e = events.find((x) => x.type === 'check_state');
  assert.ok(e && e.type === 'check_state', 'a check_state event');
  return e;
}

describe('fping summary', () => {
  const cases: [string, ReturnType<typeof parseFpingSummary>][] = [
    [
      '127.0.0.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.030/0.041/0.052',
      { sent: 3, received: 3, lossPercent: 0, min: 0.03, avg: 0.041, max: 0.052 },
    ],
    ['10.0.0.3 : xmt/rcv/%loss = 3/0/100%', { sent: 3, received: 0, lossPercent: 100 }],
    [
      'h : xmt/rcv/%loss = 4/3/25%, min/avg/max = 1.1/2.2/3.3',
      { sent: 4, received: 3, lossPercent: 25, min: 1.1, avg: 2.2, max: 3.3 },
    ],
    ['nosuch.invalid: Name or service not known', null],
  ];
  for (const [line, want] of cases)
    it(`parses "${line}"`, () => assert.deepEqual(parseFpingSummary(line), want));
});

describe('icmp check (fping)', { skip: needPeers('fping') }, () => {
  const runner = createCheckRunner();
  let ns: TestNetns | undefined;
  before(() => {
    const why = netnsUnavailable();
    if (why && IN_CI) throw new Error(`CI=true: ${why}`);
    if (!why) ns = createTestNetns();
    else console.log(`# silent-address case skipped: ${why}`);
  });
  after(() => ns?.remove());

  it('reports no loss and round-trip times for 127.0.0.1', async () => {
    const out = await runner.run(check('icmp', { host: '127.0.0.1', count: 3, interval_ms: 50 }));
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'up', state.error);
    assert.deepEqual(state.facts, { sent: 3, received: 3 });
    const by = Object.fromEntries(out.samples.map((s) => [s.metric, s]));
    assert.equal(by.icmp_loss_percent?.value, 0);
    assert.equal(by.icmp_rtt_avg_ms?.unit, 'ms');
    assert.ok(by.icmp_rtt_min_ms!.value <= by.icmp_rtt_avg_ms!.value);
    assert.ok(by.icmp_rtt_avg_ms!.value <= by.icmp_rtt_max_ms!.value);
    assert.deepEqual(by.icmp_loss_percent?.labels, { check_id: String(state.check_id), check: 'icmp check' });
    assert.equal(by.icmp_loss_percent?.device_id, 7);
  });

  it('is down with 100% loss for an address no one holds, and up for the namespace end', async (t) => {
    if (!ns) return t.skip('no network namespace here');
    const silent = await runner.run(
      check('icmp', { host: ns.silent, count: 2, interval_ms: 100 }, { timeout_ms: 3_000 }),
    );
    const state = stateOf(silent.events as KnownEvent[]);
    assert.equal(state.status, 'down');
    assert.equal(state.error, 'no reply to 2 echo requests');
    assert.deepEqual(
      silent.samples.map((s) => [s.metric, s.value]),
      [['icmp_loss_percent', 100]],
    );
    const answering = await runner.run(check('icmp', { host: ns.answering, count: 2, interval_ms: 50 }));
    assert.equal(stateOf(answering.events as KnownEvent[]).status, 'up');
  });

  it('says when a host name does not resolve', async () => {
    const out = await runner.run(check('icmp', { host: 'nosuch.test.invalid', count: 1 }));
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'down');
    assert.match(state.error ?? '', /^fping nosuch\.test\.invalid: /);
  });
});

describe('tcp check', () => {
  const runner = createCheckRunner();
  let server: net.Server;
  let open = 0;
  let closed = 0;
  before(async () => {
    server = net.createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    open = (server.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closed = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
  });
  after(() => server.close());

  it('measures the connect time to an open port', async () => {
    const out = await runner.run(check('tcp', { host: '127.0.0.1', port: open }));
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'up');
    assert.equal(out.samples[0]?.metric, 'tcp_connect_ms');
    assert.equal(out.samples[0]?.value, state.response_ms);
    assert.ok(state.response_ms! >= 0 && state.response_ms! < 5_000);
  });

  it('is down with the refusal for a closed port', async () => {
    const out = await runner.run(check('tcp', { host: '127.0.0.1', port: closed }));
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'down');
    assert.equal(state.error, `connect ECONNREFUSED 127.0.0.1:${closed}`);
    assert.equal(out.samples.length, 0);
  });
});

describe('http check', { skip: needPeers('openssl') }, () => {
  const runner = createCheckRunner();
  let dir: string;
  let server: https.Server;
  let plain: http.Server;
  let base = '';
  let plainBase = '';
  let notAfter = 0;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-http-check-'));
  });
  before(() => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '5',
        '-subj',
        '/CN=nvr.test/O=Outpost tests',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const dates = execFileSync('openssl', [
      'x509',
      '-noout',
      '-enddate',
      '-in',
      path.join(dir, 'cert.pem'),
    ]).toString();
    notAfter = Date.parse(dates.replace('notAfter=', '').trim());
  });
  before(async () => {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (req.url === '/moved') return void res.writeHead(301, { location: '/ok' }).end();
      if (req.url === '/to-https') return void res.writeHead(302, { location: `${base}/ok` }).end();
      if (req.url === '/down') return void res.writeHead(503).end('maintenance');
      if (req.url === '/hang') return; // never answers
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>NVR</title>Recorder OK</html>');
    };
    server = https.createServer(
      { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
      handler,
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    plain = http.createServer(handler);
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    plainBase = `http://127.0.0.1:${(plain.address() as net.AddressInfo).port}`;
  });
  after(() => {
    server?.closeAllConnections();
    server?.close();
    plain?.closeAllConnections();
    plain?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the certificate of a self-signed server: about 5 days left, its issuer', async () => {
    const out = await runner.run(
      check('http', { url: `${base}/`, verify_tls: false, keyword: 'Recorder OK' }),
    );
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'up', state.error);
    const days = out.samples.find((s) => s.metric === 'tls_cert_days_left');
    assert.equal(days?.unit, 'days');
    const expected = (notAfter - Date.now()) / 86_400_000;
    assert.ok(Math.abs(days!.value - expected) <= 0.01, `${days?.value} vs ${expected}`);
    assert.ok(days!.value > 4.9 && days!.value <= 5, String(days?.value));
    assert.equal(state.facts?.cert_issuer, 'CN=nvr.test, O=Outpost tests');
    assert.equal(state.facts?.cert_expires, new Date(notAfter).toISOString());
    assert.equal(out.samples.find((s) => s.metric === 'http_status_code')?.value, 200);
  });

  it('is down naming the TLS problem when the certificate is verified', async () => {
    const out = await runner.run(check('http', { url: `${base}/` }));
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'down');
    assert.equal(state.error, `GET ${base}/: TLS: self-signed certificate`);
  });

  it('follows redirects within the bound and reports where it landed', async () => {
    const out = await runner.run(check('http', { url: `${plainBase}/to-https`, verify_tls: false }));
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'up', state.error);
    assert.equal(state.facts?.final_url, `${base}/ok`);
    assert.equal(state.facts?.redirects, 1);
    assert.ok(
      out.samples.some((s) => s.metric === 'tls_cert_days_left'),
      'the certificate of the https hop',
    );
    const loop = stateOf(
      (await runner.run(check('http', { url: `${plainBase}/loop`, max_redirects: 3 })))
        .events as KnownEvent[],
    );
    assert.equal(loop.status, 'down');
    assert.equal(loop.error, `${plainBase}/loop: more than 3 redirects (last to /loop)`);
    const none = await runner.run(
      check('http', { url: `${plainBase}/moved`, max_redirects: 0, expect_status: '301' }),
    );
    assert.equal(stateOf(none.events as KnownEvent[]).status, 'up');
  });

  it('is down on an unexpected status, a missing keyword or a keyword that must be absent', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: `${plainBase}/down` }, 'status 503 not in 200-399'],
      [{ url: `${plainBase}/`, keyword: 'Camera 4' }, 'keyword "Camera 4" not found in the body'],
      [
        { url: `${plainBase}/`, keyword: 'Recorder OK', keyword_absent: true },
        'keyword "Recorder OK" found in the body',
      ],
    ];
    for (const [params, error] of cases) {
      const state = stateOf((await runner.run(check('http', params))).events as KnownEvent[]);
      assert.equal(state.status, 'down');
      assert.equal(state.error, error);
    }
    const ok = stateOf(
      (await runner.run(check('http', { url: `${plainBase}/down`, expect_status: '200-399,503' })))
        .events as KnownEvent[],
    );
    assert.equal(ok.status, 'up');
  });

  it('gives up at the check timeout', async () => {
    const out = await runner.run(check('http', { url: `${plainBase}/hang` }, { timeout_ms: 300 }));
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'down');
    assert.equal(state.error, 'timed out after 300 ms');
  });
});

describe('dns check', { skip: needPeers('dnsmasq') }, () => {
  const runner = createCheckRunner();
  let dns: RunningDnsmasq;
  before(async () => {
    dns = await startDnsmasq({ 'nvr.site.test.invalid': '192.0.2.44' });
  });
  after(() => dns?.stop());

  it('answers with the record and the response time', async () => {
    const out = await runner.run(
      check('dns', {
        name: 'nvr.site.test.invalid',
        server: '127.0.0.1',
        port: dns.port,
        expect: '192.0.2.44',
      }),
    );
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'up', state.error);
    assert.equal(state.facts?.answers, '192.0.2.44');
    assert.equal(out.samples[0]?.metric, 'dns_response_ms');
  });

  it('is down when the expected answer is missing or the name does not exist', async () => {
    const wrong = stateOf(
      (
        await runner.run(
          check('dns', {
            name: 'nvr.site.test.invalid',
            server: '127.0.0.1',
            port: dns.port,
            expect: '192.0.2.45',
          }),
        )
      ).events as KnownEvent[],
    );
    assert.equal(wrong.status, 'down');
    assert.equal(wrong.error, '192.0.2.45 is not among the answers (192.0.2.44)');
    const missing = stateOf(
      (await runner.run(check('dns', { name: 'gone.test.invalid', server: '127.0.0.1', port: dns.port })))
        .events as KnownEvent[],
    );
    assert.equal(missing.status, 'down');
    assert.equal(missing.error, `gone.test.invalid A @127.0.0.1:${dns.port}: ENOTFOUND`);
  });
});

describe('check runner', () => {
  it('reports a kind this agent cannot run, and loads only the kinds it ran', async () => {
    const runner = createCheckRunner();
    const out = await runner.run(check('smtp', { host: 'mail' }));
    const state = stateOf(out.events as KnownEvent[]);
    assert.equal(state.status, 'down');
    assert.match(state.error ?? '', /cannot run "smtp" checks; upgrade it$/);
    assert.equal((out.events[1] as { code?: string }).code, 'unknown_check_kind');
    assert.deepEqual(runner.loaded(), []);
    await runner.run(check('tcp', { host: '127.0.0.1', port: 9 }, { timeout_ms: 500 }));
    assert.deepEqual(runner.loaded(), ['tcp']);
  });
});
