import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSettings } from '../agent/src/config.js';
import { createLogger } from '../agent/src/logger.js';
import { loadPoller, type RunningAgent, startAgent } from '../agent/src/runtime/index.js';
import { sign } from '../hub/src/notifiers/webhook.js';
import { startTestHub, type TestHub, until } from './support/link.js';
import { needPeers } from './support/peers.js';
import { needPostgres, type RunningPostgres, startPostgres } from './support/postgres.js';
import { type RunningSnmpd, startSnmpd } from './support/snmpd.js';

const skip = needPeers('snmpd');
const HMAC = 'e2e-webhook-secret-0123456789';
// A vendor value in tenths of a degree at an OID of the test's choosing (NET-SNMP-MIB's netSnmpPlaypen, meant
// for experiments), served by snmpd's `override`; random, so that only a real poll can produce it.
const CUSTOM_OID = '1.3.6.1.4.1.8072.9999.9999.1.0';
const CUSTOM_RAW = 4100 + Math.floor(Math.random() * 800);

interface Hook {
  event: string;
  alert: { id: number; rule: string; device_id: number | null } | null;
  verified: boolean;
  at: number;
}

/** The pid of the snmpd this test started, found by its unique listening address. */
function snmpdPid(port: number): number {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => /\bsnmpd\b/.test(l) && l.includes(`udp:127.0.0.1:${port}`));
  if (!line) throw new Error(`no snmpd listening on ${port}`);
  return Number(line.trim().split(/\s+/)[0]);
}

/** The hub's store: SQLite (embedded), and PostgreSQL (a throwaway cluster for the file) when installed. */
const ENGINES = [
  { engine: 'sqlite', skip },
  { engine: 'postgres', skip: skip || needPostgres() },
];

for (const { engine, skip } of ENGINES)
  describe(`alerts end to end: real snmpd, agent, hub (${engine}) and a webhook receiver`, {
    skip,
    timeout: 120_000,
  }, () => {
    let postgres: RunningPostgres | undefined;
    let snmpd: RunningSnmpd;
    let hub: TestHub;
    let agent: RunningAgent;
    let receiver: Server;
    let dataDir: string;
    let deviceId: number;
    let pid: number;
    let ruleKey: string;
    const hooks: Hook[] = [];

    before(async () => {
      snmpd = await startSnmpd({
        sysName: 'e2e-switch',
        extraConfig: [`override .${CUSTOM_OID} integer ${CUSTOM_RAW}`],
      });
      pid = snmpdPid(snmpd.port);
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          const m = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(req.headers['x-outpost-signature']));
          const parsed = JSON.parse(body);
          hooks.push({
            event: parsed.event,
            alert: parsed.alert,
            verified: !!m && m[2] === sign(HMAC, Number(m[1]), body),
            at: Date.now(),
          });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      // The default reconnect grace (120 s): the agent connects with an empty backlog, so it is not held back.
      // The webhook receiver is on loopback: allowed here, as an operator would for a local relay.
      if (engine === 'postgres') postgres = await startPostgres();
      hub = await startTestHub({
        alertSettleMs: 200,
        notifyAllowedNetworks: '127.0.0.1/32',
        ...(postgres ? { databaseUrl: await postgres.createDatabase('alerts_e2e') } : {}),
      });
      const site = await hub.site('e2e-site');
      const now = Date.now();
      deviceId = (
        await hub.hub.ctx.store.devices.insert(
          {
            name: 'e2e-switch',
            ip_address: '127.0.0.1',
            site_id: site,
            parent_id: null,
            vendor: null,
            mac_address: null,
            device_type: 'other',
            snmp_json: JSON.stringify({ version: '2c', port: snmpd.port, timeout_ms: 500, retries: 0 }),
            snmp_secret: hub.hub.ctx.secrets.encrypt(JSON.stringify({ community: snmpd.community })),
            poll_interval_s: 5,
            profile: 'system',
            meta: '{}',
          },
          now,
        )
      ).id;
      const channel = await hub.api('POST', '/api/v1/notification-channels', {
        name: 'e2e-hook',
        type: 'webhook',
        config: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/outpost` },
        secrets: { hmac_secret: HMAC },
      });
      assert.equal(channel.status, 201, JSON.stringify(channel.body));
      // An operator's custom OID on the device and a threshold rule on its metric, set before the agent's
      // first poll (so the test waits for no further poll).
      const set = await hub.api('PUT', `/api/v1/devices/${deviceId}/custom-oids`, {
        custom_oids: [
          { oid: CUSTOM_OID, name: 'cabinet_temp_celsius', type: 'gauge', unit: 'celsius', scale: 0.1 },
        ],
      });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      const rule = await hub.api('POST', '/api/v1/alert-rules', {
        name: 'Hot cabinet',
        severity: 'high',
        params: {
          metric: 'cabinet_temp_celsius',
          comparison: '>',
          threshold: 400,
          scope: { type: 'device', id: deviceId },
        },
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      ruleKey = rule.body.key;
      const enrolled = await hub.enroll(site);
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-alerts-agent-'));
      const settings = loadSettings(
        { data: dataDir },
        { OUTPOST_RECONNECT_MIN_MS: '100', OUTPOST_RECONNECT_MAX_MS: '500', OUTPOST_LOG_LEVEL: 'warn' },
      );
      const log = createLogger('warn', { test: 'alerts-e2e' }, () => {});
      agent = await startAgent({
        settings,
        log,
        poller: loadPoller(4, log),
        prober: null,
        identity: {
          agent_id: enrolled.agent_id,
          secret: enrolled.secret,
          site_id: site,
          hub_url: hub.hub.url,
          mqtt_urls: [hub.mqttUrl],
          hostname: 'e2e-pi',
          enrolled_at: Date.now(),
        },
      });
    });

    after(async () => {
      if (pid) process.kill(pid, 'SIGCONT');
      await agent?.stop('test over');
      await hub?.close();
      await snmpd?.stop();
      await postgres?.stop();
      if (receiver) await new Promise<void>((r) => receiver.close(() => r()));
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const deviceStatus = async () =>
      (await hub.api('GET', `/api/v1/devices/${deviceId}`)).body?.status as string;
    const openAlert = async () => {
      const r = await hub.api('GET', `/api/v1/alerts?rule=device-unreachable&device_id=${deviceId}`);
      return (r.body?.alerts ?? [])[0] as
        | { id: number; state: string; resolved_at: string | null }
        | undefined;
    };

    it('the device is polled and online, its samples readable through the API', async () => {
      await until(async () => (await deviceStatus()) === 'online', 30_000, 'device online');
      const points = await until(
        async () => {
          const r = await hub.api('GET', `/api/v1/devices/${deviceId}/metrics?name=sys_uptime`);
          return (r.body?.points as { t: number; v: number }[] | undefined)?.length
            ? r.body.points
            : undefined;
        },
        30_000,
        'uptime samples',
      );
      assert.ok(points[0].v > 0, 'a real uptime from snmpd');
    });

    it('a threshold rule on a custom OID gauge (scaled) opens an alert with its name and value', async () => {
      const value = CUSTOM_RAW * 0.1;
      const alert = await until(
        async () => {
          const r = await hub.api(
            'GET',
            `/api/v1/alerts?rule=${encodeURIComponent(ruleKey)}&device_id=${deviceId}&state=open`,
          );
          return (r.body?.alerts ?? [])[0] as
            | { title: string; message: string; severity: string }
            | undefined;
        },
        30_000,
        'threshold alert open',
      );
      assert.equal(alert.severity, 'high');
      assert.match(alert.title, /^Hot cabinet: cabinet_temp_celsius > 400 on /);
      assert.equal(alert.message, `cabinet_temp_celsius ${value} > 400`);
      // Stored as an ordinary metric, with its unit.
      const m = await hub.api('GET', `/api/v1/devices/${deviceId}/metrics?name=cabinet_temp_celsius`);
      assert.equal(m.body.unit, 'celsius');
      assert.ok(m.body.points.length > 0);
      assert.ok(
        (m.body.points as { v: number }[]).every((p) => p.v === value),
        JSON.stringify(m.body),
      );
    });

    it('snmpd stops answering: a device-unreachable alert opens and is delivered', async () => {
      process.kill(pid, 'SIGSTOP');
      const alert = await until(
        async () => {
          const a = await openAlert();
          return a?.state === 'open' ? a : undefined;
        },
        30_000,
        'alert open',
      );
      const hook = await until(
        () => hooks.find((h) => h.event === 'problem' && h.alert?.id === alert.id),
        10_000,
        'problem webhook',
      );
      assert.equal(hook.verified, true, 'HMAC verifies');
      assert.equal(hook.alert?.rule, 'device-unreachable');
      assert.equal(hook.alert?.device_id, deviceId);
    });

    it('snmpd answers again: the alert resolves and the recovery is delivered', async () => {
      process.kill(pid, 'SIGCONT');
      const alert = await until(
        async () => {
          const a = await openAlert();
          return a?.state === 'resolved' ? a : undefined;
        },
        30_000,
        'alert resolved',
      );
      assert.ok(alert.resolved_at);
      const hook = await until(
        () => hooks.find((h) => h.event === 'recovery' && h.alert?.id === alert.id),
        10_000,
        'recovery webhook',
      );
      assert.equal(hook.verified, true);
      const log = await hub.api('GET', `/api/v1/alerts/${alert.id}/notifications`);
      assert.deepEqual(
        (log.body.notifications as { kind: string; status: string }[]).map((n) => [n.kind, n.status]),
        [
          ['problem', 'delivered'],
          ['recovery', 'delivered'],
        ],
      );
      assert.equal(
        hooks.filter((h) => h.alert?.id === alert.id).length,
        2,
        'one problem, one recovery, nothing else',
      );
    });
  });
