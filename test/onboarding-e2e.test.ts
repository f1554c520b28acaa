// Onboarding end to end with real parts: a simulated site (net-snmp's agent module serving LLDP, bridge and ARP
// tables, as the demo's devices) on loopback addresses, a real agent and hub, and a webhook receiver. The
// operator adds a credential set, presses Discover, accepts what was found, and the hub works out the site's
// map; stopping the core switch then notifies one alert, the devices behind it held back through it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { readAgentNetwork } from '@outpost/agent';
import { loadSettings } from '../agent/src/config.js';
import { createLogger } from '../agent/src/logger.js';
import { loadPoller, type RunningAgent, startAgent } from '../agent/src/runtime/index.js';
import { type SimulatedDevice, startSimulatedDevice } from '../demo/sim/device.js';
import { TOPOLOGY_DEVICES, topologySite } from '../demo/sim/topology-site.js';
import { runDueSchedules } from '../hub/src/services/onboarding.js';
import { startTestHub, type TestHub, until } from './support/link.js';
import { IN_CI, needPeers } from './support/peers.js';
import { freeUdpPort } from './support/snmpd.js';

/** The MAC of this machine's first non-loopback interface: what the real agent reports as its own. */
async function agentMac(): Promise<string | undefined> {
  const net = await readAgentNetwork();
  return net.interfaces.find((i) => i.mac && i.mac !== '00:00:00:00:00:00')?.mac;
}

const mac = await agentMac().catch(() => undefined);
const skip =
  needPeers('fping') ||
  (mac
    ? false
    : (() => {
        const why = 'no network interface with a MAC: the agent cannot be placed on the simulated site';
        if (IN_CI) throw new Error(`CI=true: ${why}`);
        console.log(`# skipped: ${why}`);
        return why;
      })());

interface Hook {
  event: string;
  alert: { id: number; rule: string; device_id: number | null } | null;
}

describe('onboarding a simulated site: discover, accept, map, one alert for an uplink outage', {
  skip,
  timeout: 240_000,
}, () => {
  const b = randomBytes(2);
  const net = `127.${100 + (b[0]! % 100)}.${b[1]}`;
  const addresses = Object.fromEntries(TOPOLOGY_DEVICES.map((n, i) => [n, `${net}.${i + 1}`])) as Record<
    (typeof TOPOLOGY_DEVICES)[number],
    string
  >;
  const cameras = [
    { ip: `${net}.21`, mac: '02:00:5e:cc:00:21', switch: 'access-1' as const, port: 3 },
    { ip: `${net}.22`, mac: '02:00:5e:cc:00:22', switch: 'access-2' as const, port: 4 },
  ];
  const community = `topo${randomBytes(4).toString('hex')}`;
  const sims: SimulatedDevice[] = [];
  const hooks: Hook[] = [];
  let hub: TestHub;
  let agent: RunningAgent;
  let receiver: Server;
  let dataDir: string;
  let site: number;
  let snmpPort: number;
  let goodCredential: number;
  let agentId: string;
  const ids = new Map<string, number>();

  before(async () => {
    snmpPort = await freeUdpPort();
    for (const kind of topologySite({ addresses, agentMac: mac!, cameras }))
      sims.push(
        await startSimulatedDevice(kind, {
          community,
          host: addresses[kind.name as keyof typeof addresses],
          port: snmpPort,
        }),
      );
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const parsed = JSON.parse(body);
        hooks.push({ event: parsed.event, alert: parsed.alert });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    // Notices settle long enough for every device behind the core to be reported unreachable with it.
    hub = await startTestHub({
      alertSettleMs: 12_000,
      notifyAllowedNetworks: '127.0.0.1/32',
      // The simulated site lives on loopback: discovery and credentials may go there in this test only.
      discoveryAllowedNetworks: '127.0.0.0/8',
      topologyIntervalS: 30,
    });
    site = await hub.site('topology-lab');
    const channel = await hub.api('POST', '/api/v1/notification-channels', {
      name: 'onboarding-hook',
      type: 'webhook',
      config: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/outpost` },
      secrets: { hmac_secret: 'onboarding-webhook-secret-0123' },
    });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    const enrolled = await hub.enroll(site);
    agentId = enrolled.agent_id;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-onboarding-agent-'));
    const settings = loadSettings(
      { data: dataDir },
      { OUTPOST_RECONNECT_MIN_MS: '100', OUTPOST_RECONNECT_MAX_MS: '500', OUTPOST_LOG_LEVEL: 'warn' },
    );
    const log = createLogger('warn', { test: 'onboarding-e2e' }, () => {});
    agent = await startAgent({
      settings,
      log,
      poller: loadPoller(8, log),
      prober: null,
      identity: {
        agent_id: enrolled.agent_id,
        secret: enrolled.secret,
        site_id: site,
        hub_url: hub.hub.url,
        mqtt_urls: [hub.mqttUrl],
        hostname: 'lab-pi',
        enrolled_at: Date.now(),
      },
    });
  });

  after(async () => {
    await agent?.stop('test over');
    await hub?.close();
    await Promise.all(sims.map((s) => s.stop()));
    if (receiver) await new Promise<void>((r) => receiver.close(() => r()));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps credential secrets write-only and refuses a range wider than the bound', async () => {
    const set = await hub.api('POST', '/api/v1/credential-sets', {
      site_id: site,
      name: 'lab',
      snmp: [
        { version: '2c', community: 'not-this-one' },
        { version: '2c', community },
      ],
    });
    assert.equal(set.status, 201, JSON.stringify(set.body));
    assert.ok(!JSON.stringify(set.body).includes(community), 'the community is never returned');
    assert.deepEqual(
      set.body.snmp.map((s: { has_community: boolean }) => s.has_community),
      [true, true],
    );
    goodCredential = set.body.snmp[1].id;
    const wide = await hub.api('POST', `/api/v1/sites/${site}/discover`, { cidrs: ['10.0.0.0/16'] });
    assert.equal(wide.status, 400);
    assert.equal(wide.body.error.code, 'range_too_wide');
    assert.equal(wide.body.error.details[0].path, 'body.cidrs.0');
  });

  const sweep = async () => {
    await until(() => hub.link.presence.isOnline(agentId), 30_000, 'agent online');
    const r = await hub.api('POST', `/api/v1/sites/${site}/discover`, {
      cidrs: [`${net}.0/29`],
      snmp_port: snmpPort,
      ports: [],
      onvif: false,
      rate_pps: 500,
      timeout_ms: 500,
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const job = await until(
      async () => {
        const j = (await hub.api('GET', `/api/v1/jobs/${r.body.job_id}`)).body;
        return ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(j?.state) ? j : undefined;
      },
      60_000,
      'discover job done',
    );
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    // The hosts arrive with the results; the list is written just after.
    return until(
      async () => {
        const hosts = (await hub.api('GET', `/api/v1/sites/${site}/discovered`)).body.hosts as {
          ip: string;
          status: string;
          found: { snmp?: { credential_id?: number; sys: { name?: string } } };
        }[];
        return hosts.filter((h) => h.found.snmp).length === sims.length ? hosts : undefined;
      },
      10_000,
      'discovered hosts listed',
    );
  };

  it('discovers exactly the SNMP devices, each with the credential that worked, and creates them on accept', async () => {
    const hosts = await sweep();
    const snmp = hosts.filter((h) => h.found.snmp);
    assert.deepEqual(snmp.map((h) => h.ip).sort(), Object.values(addresses).sort());
    for (const h of snmp) {
      assert.equal(h.found.snmp?.credential_id, goodCredential, h.ip);
      assert.equal(h.status, 'new');
    }
    const accepted = await hub.api('POST', `/api/v1/sites/${site}/discovered/accept`, { all: true });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.created.length, sims.length);
    // Loopback addresses answer ICMP: those without SNMP are refused with the reason, not created.
    for (const r of accepted.body.refused) assert.match(r.reason, /no SNMP answer/);
    const devices = (await hub.api('GET', `/api/v1/devices?site_id=${site}&per_page=100`)).body.devices as {
      id: number;
      name: string;
      credential_id: number | null;
    }[];
    assert.deepEqual(devices.map((d) => d.name).sort(), [...TOPOLOGY_DEVICES].sort());
    for (const d of devices) {
      assert.equal(d.credential_id, goodCredential);
      ids.set(d.name, d.id);
      const patched = await hub.api('PUT', `/api/v1/devices/${d.id}`, { poll_interval_s: 5 });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
    }
    for (const [i, c] of cameras.entries()) {
      const r = await hub.api('POST', '/api/v1/cameras', {
        name: `cam-${i + 1}`,
        site_id: site,
        ip_address: c.ip,
        rtsp_url: `rtsp://${c.ip}:554/stream`,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.set(`cam-${i + 1}`, r.body.id);
    }
  });

  it('a second sweep finds the same hosts as already monitored: no duplicate', async () => {
    const hosts = await sweep();
    const snmp = hosts.filter((h) => h.found.snmp);
    assert.equal(snmp.length, sims.length);
    assert.ok(
      snmp.every((h) => h.status === 'existing'),
      JSON.stringify(snmp.map((h) => h.status)),
    );
    const again = await hub.api('POST', `/api/v1/sites/${site}/discovered/accept`, { all: true });
    assert.equal(again.body.created.length, 0);
  });

  it('a discovery schedule starts the sweep when due and remembers its job', async () => {
    const put = await hub.api('PUT', `/api/v1/sites/${site}/discovery-schedule`, {
      cidrs: [`${net}.0/29`],
      snmp_port: snmpPort,
      ports: [],
      onvif: false,
      interval_s: 3600,
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const tooWide = await hub.api('PUT', `/api/v1/sites/${site}/discovery-schedule`, {
      cidrs: ['10.0.0.0/8'],
      interval_s: 3600,
    });
    assert.equal(tooWide.status, 400, 'a schedule is checked like a sweep');
    const row = await hub.hub.ctx.store.topology.schedule(site);
    assert.ok(row);
    await hub.hub.ctx.store.topology.setSchedule({ ...row, next_run_at: hub.hub.ctx.clock() - 1 });
    const onboarding = hub.hub.parts.onboarding;
    assert.equal(await runDueSchedules(hub.hub.ctx, onboarding), 1);
    const after = (await hub.api('GET', `/api/v1/sites/${site}/discovery-schedule`)).body.schedule;
    assert.ok(after.last_job_id, 'the job is remembered');
    assert.ok(Date.parse(after.next_run_at) > Date.now() + 3_000_000, 'next run an interval later');
    const job = await until(
      async () => {
        const j = (await hub.api('GET', `/api/v1/jobs/${after.last_job_id}`)).body;
        return ['succeeded', 'failed', 'timed_out'].includes(j?.state) ? j : undefined;
      },
      60_000,
      'scheduled sweep done',
    );
    assert.equal(job.state, 'succeeded');
    assert.equal(await runDueSchedules(hub.hub.ctx, onboarding), 0, 'not due again');
  });

  it('infers the upstream parents as drawn, from the tables the agent read', async () => {
    const expected: Record<string, string | null> = {
      router: 'core-sw',
      'core-sw': null,
      'access-1': 'core-sw',
      'access-2': 'core-sw',
      'ap-1': 'access-1',
      'ap-2': 'access-2',
      'cam-1': 'access-1',
      'cam-2': 'access-2',
    };
    // biome-ignore lint/suspicious/noExplicitAny: the map is read as the API gives it
    const parentsOf = (m: any): Record<string, string | null> => {
      const nameOf = new Map(m.nodes.map((n: { key: string; name: string }) => [n.key, n.name]));
      return Object.fromEntries(
        m.nodes
          .filter((n: { kind: string }) => n.kind !== 'agent')
          .map((n: { name: string; parent_id: number | null }) => [
            n.name,
            n.parent_id === null ? null : (nameOf.get(`device:${n.parent_id}`) ?? n.parent_id),
          ]),
      );
    };
    // The agent reads each device's tables in turn, so the graph is partial (and its guesses with it) until
    // every table is in: wait for the drawn parents, and on a timeout show the last map's.
    let last: Record<string, string | null> = {};
    const map = await until(
      async () => {
        const m = (await hub.api('GET', `/api/v1/sites/${site}/topology`)).body;
        const placed = m?.nodes?.filter(
          (n: { parent_source: string | null }) => n.parent_source === 'inferred',
        );
        // Settled: every node placed and the core's own table in (the agent's port on it).
        if (
          placed?.length !== Object.keys(expected).length ||
          !/MAC is learnt on core-sw/.test(m.root?.evidence)
        )
          return undefined;
        last = parentsOf(m);
        return isDeepStrictEqual(last, expected) ? m : undefined;
      },
      90_000,
      'every device and camera placed as drawn',
      250,
    ).catch((err) => {
      assert.deepEqual(last, expected, String(err));
      throw err;
    });
    assert.deepEqual(parentsOf(map), expected);
    assert.match(map.root.evidence, /MAC is learnt on core-sw/);
    assert.ok(
      map.links.some((l: { source: string; a_port?: string }) => l.source === 'lldp' && l.a_port),
      'LLDP links carry port names',
    );
    const dep = await hub.api('GET', `/api/v1/devices/${ids.get('ap-1')}/dependency`);
    assert.equal(dep.body.inferred.parent_id, ids.get('access-1'));
    assert.ok(dep.body.inferred.evidence.length > 0);
  });

  it('stopping the core switch and everything behind it notifies one alert; the others are held back through it', async () => {
    await until(
      async () => {
        const d = (await hub.api('GET', `/api/v1/devices?site_id=${site}&per_page=100`)).body.devices;
        return d.every((x: { status: string }) => x.status === 'online');
      },
      30_000,
      'every device online',
    );
    const since = hooks.length;
    await Promise.all(sims.map((s) => s.down()));
    const openAlerts = async () => {
      const r = await hub.api('GET', `/api/v1/alerts?rule=device-unreachable&state=open&per_page=100`);
      const list = r.body.alerts as {
        device_id: number;
        suppressed: boolean;
        suppressed_by: string | null;
      }[];
      return list.length === sims.length ? list : undefined;
    };
    await until(openAlerts, 40_000, 'every device unreachable');
    const core = ids.get('core-sw')!;
    await until(() => hooks.slice(since).some((h) => h.event === 'problem'), 30_000, 'the problem notice');
    // Longer than the settle time: any further notice would have gone out by now.
    await new Promise((r) => setTimeout(r, 13_000));
    const problems = hooks.slice(since).filter((h) => h.event === 'problem');
    assert.deepEqual(
      problems.map((h) => h.alert?.device_id),
      [core],
      'one notice, for the core switch',
    );
    // Read after the settle time: an alert opened while only its access switch was down names that switch
    // until the core is down too, and the notice scheduler then records the topmost unreachable parent.
    const alerts = await openAlerts();
    assert.ok(alerts, 'every device still unreachable');
    for (const a of alerts) {
      if (a.device_id === core) assert.equal(a.suppressed, false);
      else {
        assert.equal(a.suppressed, true, `device ${a.device_id}`);
        assert.match(a.suppressed_by ?? '', new RegExp(`parent device ${core} unreachable`));
      }
    }
  });
});
