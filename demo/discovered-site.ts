// The demo's discovered site: a small network (router, core switch, two access switches, access points and two
// cameras behind them) served by simulated devices with LLDP, bridge and ARP tables, found by a real discovery
// through the local agent, accepted in one request, and drawn as a map once the agent has read their tables.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readAgentNetwork } from '../agent/src/topology/index.js';
import { type SimulatedDevice, startSimulatedDevice } from './sim/device.js';
import { TOPOLOGY_DEVICES, topologySite } from './sim/topology-site.js';

type Api = <T = unknown>(method: string, apiPath: string, body?: unknown) => Promise<T>;

export interface DiscoveredSite {
  devices: SimulatedDevice[];
  /** The loopback range swept, e.g. 127.0.45.0/27. */
  range: string;
  snmpPort: number;
  stop(): Promise<void>;
}

async function freeUdpPort(host: string): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, host, () => resolve());
  });
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Starts the simulated network on `net`.1-.6 (one SNMP port for all, as a LAN has 161), the cameras' MACs
 * learnt on the access switches, and this machine's own MAC on the core switch's port 1, so that the agent is
 * placed on the map as it would be on site. Linux only (its whole 127/8 is local).
 */
export async function startDiscoveredSite(net = '127.0.45'): Promise<DiscoveredSite> {
  const own = (await readAgentNetwork()).interfaces.find((i) => i.mac && i.mac !== '00:00:00:00:00:00')?.mac;
  const addresses = Object.fromEntries(TOPOLOGY_DEVICES.map((n, i) => [n, `${net}.${i + 1}`])) as Record<
    (typeof TOPOLOGY_DEVICES)[number],
    string
  >;
  const cameras = [
    { ip: `${net}.21`, mac: '02:00:5e:cc:00:21', switch: 'access-1' as const, port: 3 },
    { ip: `${net}.22`, mac: '02:00:5e:cc:00:22', switch: 'access-2' as const, port: 4 },
  ];
  const community = `lab-${randomBytes(6).toString('hex')}`;
  const snmpPort = await freeUdpPort(addresses.router);
  const devices: SimulatedDevice[] = [];
  try {
    for (const kind of topologySite({ addresses, agentMac: own ?? '02:00:5e:ee:00:01', cameras }))
      devices.push(
        await startSimulatedDevice(kind, {
          community,
          host: addresses[kind.name as keyof typeof addresses],
          port: snmpPort,
        }),
      );
  } catch (err) {
    await Promise.all(devices.map((d) => d.stop()));
    throw err;
  }
  return {
    devices,
    range: `${net}.0/29`,
    snmpPort,
    stop: async () => {
      await Promise.all(devices.map((d) => d.stop()));
    },
  };
}

/** The credential set discovery tries at the site: a wrong community first, then the network's own. */
export async function addCredentialSet(api: Api, siteId: number, site: DiscoveredSite): Promise<number> {
  const set = await api<{ id: number }>('POST', '/credential-sets', {
    site_id: siteId,
    name: 'lab network',
    snmp: [
      { version: '2c', community: `not-${randomBytes(4).toString('hex')}` },
      { version: '2c', community: site.devices[0]!.community },
    ],
  });
  return set.id;
}

/** What the Discover button sends for this network. */
export function discoverBody(site: DiscoveredSite) {
  return {
    cidrs: [site.range],
    snmp_port: site.snmpPort,
    ports: [],
    onvif: false,
    rate_pps: 200,
    timeout_ms: 500,
  };
}

/**
 * Runs a discovery through the site's agent and accepts every new host: what an operator does with the Discover
 * and Accept all buttons. Resolves with the ids created.
 */
export async function discoverAndAccept(
  api: Api,
  siteId: number,
  site: DiscoveredSite,
  timeoutMs = 60_000,
): Promise<{ created: { ip: string; kind: string; id: number }[] }> {
  const { job_id } = await api<{ job_id: string }>('POST', `/sites/${siteId}/discover`, discoverBody(site));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await api<{ state: string; error: string | null }>('GET', `/jobs/${job_id}`);
    if (job.state === 'succeeded') break;
    if (['failed', 'timed_out', 'cancelled'].includes(job.state))
      throw new Error(`discovery ${job.state}: ${job.error ?? ''}`);
    if (Date.now() > until) throw new Error('discovery did not finish in time');
    await new Promise((r) => setTimeout(r, 500));
  }
  // The last hosts are written just after the job's result.
  await new Promise((r) => setTimeout(r, 500));
  return api('POST', `/sites/${siteId}/discovered/accept`, { all: true });
}
