// Traps end to end: Debian's snmptrap and snmpinform send to the agent's receiver while the hub is down; the
// agent keeps them in its outbox; once the hub is back each trap is stored exactly once and the standard ones map
// to their alerts (a v1 linkDown to interface-down, named after the port the hub knows, a v2c coldStart to
// snmp-trap, a v3 UPS on-battery inform to ups-on-battery). The receiver and its v3 user come from the hub's API.
// The hub restarts on the same data directory and ports, as after a crash or an upgrade.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadSettings } from '../agent/src/config.js';
import { createLogger } from '../agent/src/logger.js';
import { type RunningAgent, startAgent } from '../agent/src/runtime/index.js';
import { storeSamples } from '../hub/src/store/samples.testing.js';
import { startTestHub, type TestHub, until } from './support/link.js';
import { needPeers } from './support/peers.js';
import { freeUdpPort } from './support/snmpd.js';

const run = promisify(execFile);
const env = { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' };
const COMMUNITY = 'e2e-trap-community';
const USER = { username: 'ups-informer', auth_key: 'ups-auth-pass-1', priv_key: 'ups-priv-pass-1' };

async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('traps through a hub outage', {
  skip: needPeers('snmptrap', 'snmpinform'),
  timeout: 120_000,
}, () => {
  let hub: TestHub;
  let agent: RunningAgent;
  const hubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-traps-hub-'));
  const agentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-traps-agent-'));
  let ports: { httpPort: number; mqttPort: number };
  let trapPort = 0;
  let switchId = 0;
  let upsId = 0;
  let agentId = '';
  const startHubOnce = () => startTestHub({ dataDir: hubDir, ...ports, alertSettleMs: 200 });

  before(async () => {
    ports = { httpPort: await freeTcpPort(), mqttPort: await freeTcpPort() };
    trapPort = await freeUdpPort();
    hub = await startHubOnce();
    const site = await hub.site('trap-site');
    switchId = await hub.device(site, 'trap-sw', '127.0.0.1');
    upsId = await hub.device(site, 'trap-ups', '127.0.0.2');
    const enrolled = await hub.enroll(site);
    agentId = enrolled.agent_id;
    // The site's trap receiver, with its v3 inform user, set through the hub's API: the agent gets it in its
    // config and keeps it through the hub's restart (its last config).
    const traps = await hub.api('PUT', `/api/v1/sites/${site}/traps`, {
      enabled: true,
      port: trapPort,
      address: '127.0.0.1',
      communities: [COMMUNITY],
      users: [
        {
          username: USER.username,
          auth_protocol: 'sha',
          auth_key: USER.auth_key,
          priv_protocol: 'aes',
          priv_key: USER.priv_key,
        },
      ],
    });
    assert.equal(traps.status, 200, JSON.stringify(traps.body));
    assert.equal(traps.body.users[0].security_level, 'authPriv');
    // The switch's port 12 as its polls named it: the linkDown trap does not carry the name.
    await storeSamples(hub.hub.ctx.store, [
      {
        kind: 'device',
        target: String(switchId),
        metric: 'if_oper_status',
        labels: { if_index: '12', if_name: 'Gi1/0/12' },
        ts: Date.now() - 60_000,
        value: 1,
      },
    ]);
    const settings = loadSettings(
      { data: agentDir },
      { OUTPOST_RECONNECT_MIN_MS: '100', OUTPOST_RECONNECT_MAX_MS: '500', OUTPOST_LOG_LEVEL: 'warn' },
    );
    const log = createLogger('warn', { test: 'traps-hub' }, () => {});
    agent = await startAgent({
      settings,
      log,
      poller: null,
      prober: null,
      identity: {
        agent_id: enrolled.agent_id,
        secret: enrolled.secret,
        site_id: site,
        hub_url: hub.hub.url,
        mqtt_urls: [hub.mqttUrl],
        hostname: 'trap-pi',
        enrolled_at: Date.now(),
      },
    });
    await until(() => agent.state().link.state === 'online', 20_000, 'the agent online');
    await until(() => agent.state().traps?.listening === `127.0.0.1:${trapPort}`, 10_000, 'the receiver');
  });

  after(async () => {
    await agent?.stop('test over');
    await hub?.close();
    fs.rmSync(hubDir, { recursive: true, force: true });
    fs.rmSync(agentDir, { recursive: true, force: true });
  });

  it('buffers traps while the hub is down and delivers each once when it is back, mapped to its alert', async () => {
    await hub.close();
    await until(() => agent.state().link.state !== 'online', 20_000, 'the agent to notice the hub is gone');
    const target = `127.0.0.1:${trapPort}`;
    // v1 linkDown of ifIndex 12 from the switch; v2c coldStart from the switch; v3 inform: the UPS on battery.
    await run(
      'snmptrap',
      [
        '-v',
        '1',
        '-c',
        COMMUNITY,
        target,
        '1.3.6.1.4.1.9.1.516',
        '127.0.0.1',
        '2',
        '0',
        '',
        '1.3.6.1.2.1.2.2.1.1.12',
        'i',
        '12',
        '1.3.6.1.2.1.2.2.1.7.12',
        'i',
        '1',
        '1.3.6.1.2.1.2.2.1.8.12',
        'i',
        '2',
      ],
      { env },
    );
    await run('snmptrap', ['-v', '2c', '-c', COMMUNITY, target, '', '1.3.6.1.6.3.1.1.5.1'], { env });
    await run(
      'snmpinform',
      [
        '-v',
        '3',
        '-u',
        USER.username,
        '-l',
        'authPriv',
        '-a',
        'SHA',
        '-A',
        USER.auth_key,
        '-x',
        'AES',
        '-X',
        USER.priv_key,
        '--clientaddr=127.0.0.2',
        '-r',
        '1',
        '-t',
        '3',
        target,
        '',
        '1.3.6.1.2.1.33.2.0.1',
        '1.3.6.1.2.1.33.1.2.2.0',
        'i',
        '35',
      ],
      { env },
    );
    await until(() => (agent.state().traps?.forwarded ?? 0) === 3, 10_000, 'three traps received');
    await until(
      () => agent.state().outbox.rows >= 3,
      5_000,
      'the traps kept in the outbox while the hub is away',
    );

    hub = await startHubOnce();
    await until(() => agent.state().outbox.rows === 0, 30_000, 'the backlog to drain');

    const events = await hub.api('GET', `/api/v1/agents/${agentId}/events?limit=1000`);
    assert.equal(events.status, 200);
    const traps = (
      events.body.items as {
        type: string;
        device_id: number | null;
        data: { trap_oid: string; version: string };
      }[]
    )
      .filter((e) => e.type === 'snmp_trap')
      .map((e) => `${e.device_id}:${e.data.version}:${e.data.trap_oid}`)
      .sort();
    assert.deepEqual(
      traps,
      [
        `${switchId}:1:1.3.6.1.6.3.1.1.5.3`,
        `${switchId}:2c:1.3.6.1.6.3.1.1.5.1`,
        `${upsId}:3:1.3.6.1.2.1.33.2.0.1`,
      ].sort(),
      'each trap stored once, on its device',
    );
    const alert = async (rule: string, device: number) =>
      ((await hub.api('GET', `/api/v1/alerts?rule=${rule}&device_id=${device}`)).body?.alerts ?? []) as {
        title: string;
        state: string;
      }[];
    await until(async () => (await alert('interface-down', switchId)).length === 1, 20_000, 'interface-down');
    assert.match((await alert('interface-down', switchId))[0]!.title, /Interface Gi1\/0\/12 down on trap-sw/);
    await until(async () => (await alert('snmp-trap', switchId)).length === 1, 10_000, 'the coldStart alert');
    await until(async () => (await alert('ups-on-battery', upsId)).length === 1, 10_000, 'ups-on-battery');
    assert.match((await alert('ups-on-battery', upsId))[0]!.title, /trap-ups.* on battery/);
  });
});

describe('the trap receiver configured by the hub', { skip: needPeers('snmptrap'), timeout: 60_000 }, () => {
  it('starts on the port and with the community of the hub settings, and traps reach the hub', async () => {
    const trapPort = await freeUdpPort();
    const hub = await startTestHub({
      agentTrapsEnabled: true,
      agentTrapsPort: trapPort,
      agentTrapsCommunity: COMMUNITY,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-traps-agent-'));
    let agent: RunningAgent | undefined;
    try {
      const site = await hub.site('hub-traps');
      const sw = await hub.device(site, 'hub-trap-sw', '127.0.0.1');
      const enrolled = await hub.enroll(site);
      const log = createLogger('warn', { test: 'traps-hub' }, () => {});
      agent = await startAgent({
        settings: loadSettings({ data: dir }, { OUTPOST_LOG_LEVEL: 'warn' }),
        log,
        poller: null,
        prober: null,
        identity: {
          agent_id: enrolled.agent_id,
          secret: enrolled.secret,
          site_id: site,
          hub_url: hub.hub.url,
          mqtt_urls: [hub.mqttUrl],
          hostname: 'trap-pi-2',
          enrolled_at: Date.now(),
        },
      });
      const a = agent;
      await until(
        () => a.state().traps?.listening === `0.0.0.0:${trapPort}`,
        20_000,
        'the hub-configured receiver',
      );
      await run(
        'snmptrap',
        ['-v', '2c', '-c', COMMUNITY, `127.0.0.1:${trapPort}`, '', '1.3.6.1.6.3.1.1.5.5'],
        { env },
      );
      await until(
        async () => {
          const r = await hub.api('GET', `/api/v1/alerts?rule=snmp-trap&device_id=${sw}`);
          return (r.body?.alerts ?? []).length === 1;
        },
        20_000,
        'the authenticationFailure alert',
      );
    } finally {
      await agent?.stop('test over');
      await hub.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
