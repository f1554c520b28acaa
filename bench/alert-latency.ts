// Alert detection and notification latency, with real pieces: snmpd, the agent runtime with its SNMP poller,
// the hub (embedded broker, ingest, alert engine, notification dispatcher) and a local webhook receiver.
//   npm run bench:alerts                 (env: CYCLES=5, POLL_S=5, TIMEOUT_MS=500, SKIP_AGENT_OFFLINE=1)
// 1. Device down: snmpd is frozen (SIGSTOP) at t0; we time the alert stored at the hub and the webhook
//    received; then thawed (SIGCONT) for the resolution and the recovery notice.
// 2. Agent offline: the agent's TCP path to the broker is cut silently (a proxy stops forwarding without closing
//    anything, as a dead uplink does); the broker notices after 1.5 x the MQTT keepalive and the alert opens.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../agent/src/config.js';
import { createLogger } from '../agent/src/logger.js';
import { loadPoller, startAgent } from '../agent/src/runtime/index.js';
import { startTestHub } from '../test/support/link.js';
import { startSnmpd } from '../test/support/snmpd.js';

const CYCLES = Number(process.env.CYCLES ?? 5);
const POLL_S = Number(process.env.POLL_S ?? 5);
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS ?? 500);
const KEEPALIVE_S = 30; // the agent's MQTT keepalive (agent/src/link/mqtt-link.ts)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const p = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `min ${s[0]} ms, median ${p(0.5)} ms, max ${s[s.length - 1]} ms (n=${s.length})`;
};

/** A TCP proxy that can partition silently: no bytes either way, no FIN, no RST. */
async function partitionableProxy(targetPort: number) {
  let cut = false;
  const pairs: net.Socket[] = [];
  const server = net.createServer((client) => {
    if (cut) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    pairs.push(client, upstream);
    client.on('data', (d) => !cut && upstream.write(d));
    upstream.on('data', (d) => !cut && client.write(d));
    client.on('close', () => !cut && upstream.destroy());
    upstream.on('close', () => !cut && client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      cut = true;
    },
    close() {
      for (const s of pairs) s.destroy();
      server.close();
    },
  };
}

async function main() {
  const snmpd = await startSnmpd({ sysName: 'bench-switch' });
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  const pid = Number(
    ps
      .split('\n')
      .find((l) => l.includes(`udp:127.0.0.1:${snmpd.port}`))!
      .trim()
      .split(/\s+/)[0],
  );
  const hooks: { event: string; alertId: number; rule: string; at: number }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const b = JSON.parse(body);
      hooks.push({ event: b.event, alertId: b.alert?.id, rule: b.alert?.rule, at: Date.now() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  // Flap damping would (rightly) hold notices of a device that goes down every few seconds.
  const hub = await startTestHub({ alertDependencyGraceS: 1, alertFlapThreshold: 100 });
  const stored: { change: string; id: number; rule: string; at: number }[] = [];
  hub.hub.ctx.events.on('alert.changed', (e) =>
    stored.push({ change: e.change, id: e.alert.id as number, rule: e.alert.rule as string, at: Date.now() }),
  );
  const site = await hub.site('bench-site');
  const now = Date.now();
  const deviceId = (
    await hub.hub.ctx.store.devices.insert(
      {
        name: 'bench-switch',
        ip_address: '127.0.0.1',
        site_id: site,
        parent_id: null,
        vendor: null,
        mac_address: null,
        device_type: 'other',
        snmp_json: JSON.stringify({ version: '2c', port: snmpd.port, timeout_ms: TIMEOUT_MS, retries: 0 }),
        snmp_secret: hub.hub.ctx.secrets.encrypt(JSON.stringify({ community: snmpd.community })),
        poll_interval_s: POLL_S,
        profile: 'system',
        meta: '{}',
      },
      now,
    )
  ).id;
  const ch = await hub.api('POST', '/api/v1/notification-channels', {
    name: 'bench-hook',
    type: 'webhook',
    config: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` },
    secrets: { hmac_secret: 'bench-secret-0123456789abcdef' },
  });
  if (ch.status !== 201) throw new Error(`channel: ${JSON.stringify(ch.body)}`);
  const proxy = await partitionableProxy(Number(new URL(hub.mqttUrl).port));
  const enrolled = await hub.enroll(site);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-alerts-'));
  const settings = loadSettings(
    { data: dataDir },
    { OUTPOST_RECONNECT_MIN_MS: '200', OUTPOST_RECONNECT_MAX_MS: '1000', OUTPOST_LOG_LEVEL: 'error' },
  );
  const log = createLogger('error', { bench: 'alerts' }, () => {});
  const agent = await startAgent({
    settings,
    log,
    poller: loadPoller(4, log),
    prober: null,
    identity: {
      agent_id: enrolled.agent_id,
      secret: enrolled.secret,
      site_id: site,
      hub_url: hub.hub.url,
      mqtt_urls: [`mqtt://127.0.0.1:${proxy.port}`],
      hostname: 'bench-pi',
      enrolled_at: Date.now(),
    },
  });
  const status = async () => (await hub.hub.ctx.store.devices.state(deviceId))?.status;
  await waitFor('device online', async () => ((await status()) === 'online' ? true : undefined), 30_000);
  await sleep(1500); // past the dependency grace of the fresh agent

  const toAlert: number[] = [];
  const toNotice: number[] = [];
  const noticeAfterStore: number[] = [];
  const toResolve: number[] = [];
  const toRecovery: number[] = [];
  for (let i = 0; i < CYCLES; i++) {
    // Stop at a random point of the poll cycle, as a real failure would.
    await sleep(Math.random() * POLL_S * 1000);
    const t0 = Date.now();
    process.kill(pid, 'SIGSTOP');
    const opened = await waitFor(
      'alert',
      () => stored.find((s) => s.at >= t0 && s.rule === 'device-unreachable' && s.change !== 'resolved'),
      60_000,
    );
    const notice = await waitFor(
      'problem notice',
      () => hooks.find((h) => h.at >= t0 && h.event === 'problem' && h.alertId === opened.id),
      30_000,
    );
    toAlert.push(opened.at - t0);
    toNotice.push(notice.at - t0);
    noticeAfterStore.push(notice.at - opened.at);
    await sleep(Math.random() * POLL_S * 1000);
    const t1 = Date.now();
    process.kill(pid, 'SIGCONT');
    const resolved = await waitFor(
      'resolution',
      () => stored.find((s) => s.at >= t1 && s.id === opened.id && s.change === 'resolved'),
      60_000,
    );
    const recovery = await waitFor(
      'recovery notice',
      () => hooks.find((h) => h.at >= t1 && h.event === 'recovery' && h.alertId === opened.id),
      30_000,
    );
    toResolve.push(resolved.at - t1);
    toRecovery.push(recovery.at - t1);
    process.stdout.write(
      `cycle ${i + 1}/${CYCLES}: alert ${opened.at - t0} ms, notice ${notice.at - t0} ms\n`,
    );
  }

  let offline: { stored: number; notice: number } | undefined;
  if (!process.env.SKIP_AGENT_OFFLINE) {
    process.stdout.write(
      `agent offline: cutting the agent's link silently (keepalive ${KEEPALIVE_S} s)...\n`,
    );
    const t0 = Date.now();
    proxy.cut();
    const opened = await waitFor(
      'agent-offline alert',
      () => stored.find((s) => s.at >= t0 && s.rule === 'agent-offline' && s.change === 'created'),
      4 * KEEPALIVE_S * 1000,
    );
    const notice = await waitFor(
      'agent-offline notice',
      () => hooks.find((h) => h.at >= t0 && h.alertId === opened.id && h.event === 'problem'),
      30_000,
    );
    offline = { stored: opened.at - t0, notice: notice.at - t0 };
  }

  const cpu = os.cpus();
  console.log('\nAlert latency (real snmpd, agent, hub, local webhook receiver)');
  console.log(
    `machine: ${cpu.length} x ${cpu[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}`,
  );
  console.log(
    `poll interval ${POLL_S} s, SNMP timeout ${TIMEOUT_MS} ms, retries 0, notice settle 500 ms (default)`,
  );
  console.log(`device stops answering -> alert stored:        ${stats(toAlert)}`);
  console.log(`device stops answering -> webhook received:    ${stats(toNotice)}`);
  console.log(`alert stored -> webhook received:              ${stats(noticeAfterStore)}`);
  console.log(`device answers again -> alert resolved:        ${stats(toResolve)}`);
  console.log(`device answers again -> recovery received:     ${stats(toRecovery)}`);
  console.log(
    `target: alert within poll + timeout = ${POLL_S * 1000 + TIMEOUT_MS} ms (a status change is sent at once, ` +
      `not at the next batch tick); notice < 2000 ms after`,
  );
  if (offline) {
    console.log(
      `agent link cut -> agent-offline stored ${offline.stored} ms, webhook ${offline.notice} ms ` +
        `(target 1.5 x keepalive = ${1.5 * KEEPALIVE_S * 1000} ms)`,
    );
  }
  await agent.stop('bench over');
  proxy.close();
  await hub.close();
  process.kill(pid, 'SIGCONT');
  await snmpd.stop();
  receiver.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
