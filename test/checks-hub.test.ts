// Checks end to end through a real hub and agent, configured only through the hub's API: an NVR web page served
// over HTTPS with a self-signed certificate that expires in 5 days opens tls-cert-expiry; its closed RTSP port
// opens check-down; a slow page and a silent uplink trip threshold rules on http_response_ms and
// icmp_loss_percent; the ISP router (no SNMP: a ping check only) becomes unreachable through its check without a
// device-unreachable alert of its own; each check keeps its state and only its changes become events.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '../agent/src/config.js';
import { createLogger } from '../agent/src/logger.js';
import { type RunningAgent, startAgent } from '../agent/src/runtime/index.js';
import { startTestHub, type TestHub, until } from './support/link.js';
import { createTestNetns, netnsUnavailable, type TestNetns } from './support/netns.js';
import { IN_CI, needPeers } from './support/peers.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('checks through the hub', { skip: needPeers('openssl', 'fping'), timeout: 120_000 }, () => {
  let hub: TestHub;
  let agent: RunningAgent;
  let server: https.Server;
  let ns: TestNetns | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-checks-hub-'));
  let nvr = 0;
  let isp = 0;
  const ids: Record<string, number> = {};

  const api = async (method: string, p: string, body?: unknown) => {
    const r = await hub.api(method, `/api/v1${p}`, body);
    assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Json;
  };
  const alerts = async (q: string) => (await api('GET', `/alerts?${q}`)).alerts as Json[];

  before(() => {
    const why = netnsUnavailable();
    if (why && IN_CI) throw new Error(`CI=true: ${why}`);
    if (!why) ns = createTestNetns();
    else console.log(`# the silent uplink is skipped: ${why}`);
  });
  before(async () => {
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
        '/CN=nvr.test',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = https.createServer(
      { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
      (req, res) => {
        const page = () =>
          res.writeHead(200, { 'content-type': 'text/html' }).end('<title>NVR</title>Recorder OK');
        if (req.url === '/slow') setTimeout(page, 400);
        else page();
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  before(async () => {
    hub = await startTestHub({ alertSettleMs: 200 });
    const site = (await api('POST', '/sites', { name: 'Clinic' })).id;
    nvr = (await api('POST', '/devices', { name: 'nvr', ip_address: '127.0.0.1', site_id: site, snmp: null }))
      .id;
    isp = (
      await api('POST', '/devices', {
        name: 'isp-router',
        ip_address: ns?.silent ?? '127.0.0.2',
        site_id: site,
        device_type: 'router',
        snmp: null,
      })
    ).id;
    const closed = await closedPort();
    const base = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const add = async (device_id: number, name: string, kind: string, params: Json, extra: Json = {}) => {
      ids[name] = (
        await api('POST', '/checks', { device_id, name, kind, params, interval_s: 5, ...extra })
      ).id;
    };
    await add(nvr, 'web page', 'http', { url: `${base}/`, verify_tls: false, keyword: 'Recorder OK' });
    await add(nvr, 'slow page', 'http', { url: `${base}/slow`, verify_tls: false });
    await add(nvr, 'rtsp port', 'tcp', { host: '127.0.0.1', port: closed });
    if (ns) await add(isp, 'uplink ping', 'icmp', { host: ns.silent, count: 2, interval_ms: 100 });
    // Latency and loss thresholds, as an operator sets them: on the check metrics, one check by its label.
    await api('POST', '/alert-rules', {
      name: 'Slow NVR page',
      severity: 'low',
      params: { metric: 'http_response_ms', comparison: '>', threshold: 300, labels: { check: 'slow page' } },
    });
    await api('POST', '/alert-rules', {
      name: 'Uplink loss',
      severity: 'high',
      params: {
        metric: 'icmp_loss_percent',
        comparison: '>',
        threshold: 50,
        scope: { type: 'device', id: isp },
      },
    });
    const enrolled = await hub.enroll(site);
    agent = await startAgent({
      settings: loadSettings(
        { data: fs.mkdirSync(path.join(dir, 'agent'), { recursive: true }) as string },
        { OUTPOST_LOG_LEVEL: 'warn' },
      ),
      log: createLogger('warn', { test: 'checks-hub' }, () => {}),
      poller: null,
      prober: null,
      identity: {
        agent_id: enrolled.agent_id,
        secret: enrolled.secret,
        site_id: site,
        hub_url: hub.hub.url,
        mqtt_urls: [hub.mqttUrl],
        hostname: 'clinic-pi',
        enrolled_at: Date.now(),
      },
    });
  });
  after(async () => {
    await agent?.stop('test over');
    await hub?.close();
    server?.closeAllConnections();
    server?.close();
    ns?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens tls-cert-expiry for the certificate that expires in 5 days, and check-down for the closed port', async () => {
    // One alert per https check (both pages are served with the same certificate).
    const certOf = async (check: string) =>
      (await alerts('rule=tls-cert-expiry&state=open')).find((a) =>
        a.title.includes(`certificate of ${check} on`),
      );
    await until(async () => (await certOf('web page')) !== undefined, 30_000, 'tls-cert-expiry');
    const cert = await certOf('web page');
    assert.equal(cert!.device_id, nvr);
    assert.equal(cert!.title, 'TLS certificate of web page on nvr (127.0.0.1) expires soon');
    assert.match(cert!.message, /^(4\.9|5\.0) days left$/);
    await until(
      async () => (await alerts(`rule=check-down&device_id=${nvr}`)).length === 1,
      30_000,
      'check-down',
    );
    const [down] = await alerts(`rule=check-down&device_id=${nvr}`);
    assert.match(down!.title, /^Check rtsp port \(tcp\) down on nvr/);
    assert.match(down!.message, /ECONNREFUSED/);
    const web = await api('GET', `/checks/${ids['web page']}`);
    assert.equal(web.status, 'up');
    assert.equal(web.facts.cert_issuer, 'CN=nvr.test');
    assert.equal(
      (await api('GET', `/devices/${nvr}`)).status,
      'online',
      'an SNMP-less device with a check up',
    );
  });

  it('fires threshold rules on check latency and loss', async () => {
    await until(
      async () => (await alerts('state=open')).some((a) => /^Slow NVR page: /.test(a.title)),
      30_000,
      'slow',
    );
    const slow = (await alerts('state=open')).find((a) => /^Slow NVR page: /.test(a.title));
    assert.equal(slow!.device_id, nvr);
    if (!ns) return;
    await until(
      async () => (await alerts(`device_id=${isp}`)).some((a) => /^Uplink loss: /.test(a.title)),
      30_000,
      'loss',
    );
  });

  it('makes a device without SNMP unreachable through its checks, with check-down and no device-unreachable', async (t) => {
    if (!ns) return t.skip('no network namespace here');
    await until(
      async () => (await api('GET', `/devices/${isp}`)).status === 'unreachable',
      30_000,
      'isp down',
    );
    const isp1 = await api('GET', `/devices/${isp}`);
    assert.match(isp1.status_error, /^uplink ping: no reply to 2 echo requests/);
    const rules = (await alerts(`device_id=${isp}`)).map((a) => a.rule).sort();
    assert.ok(rules.includes('check-down'), rules.join());
    assert.ok(!rules.includes('device-unreachable'), rules.join());
  });

  it('keeps one event per change of each check, not one per run', async () => {
    const first = (await api('GET', `/checks/${ids['rtsp port']}`)).last_run_at;
    await until(
      async () => (await api('GET', `/checks/${ids['rtsp port']}`)).last_run_at !== first,
      20_000,
      'another run',
    );
    const events = (await api('GET', `/devices/${nvr}/events?type=check_state`)).events as Json[];
    const perCheck = new Map<number, number>();
    for (const e of events) perCheck.set(e.data.check_id, (perCheck.get(e.data.check_id) ?? 0) + 1);
    assert.deepEqual(
      [...perCheck.values()],
      [1, 1, 1],
      'three checks, each reported once as it first settled',
    );
  });
});

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}
