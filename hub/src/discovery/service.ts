import {
  checkRanges,
  type DiscoverArgsInput,
  DiscoverArgsSchema,
  type DiscoveredHost,
  DiscoveredHostSchema,
  DiscoverProgressSchema,
  DiscoverSummarySchema,
} from '@outpost/protocol';
import type { Logger } from '../logger.js';
import { PRIVATE_NETWORKS, SiteNetworks } from '../net/site-networks.js';
import { Refusal } from '../refusal.js';
import type { HubStore } from '../store/port.js';
import {
  classifyHost,
  guessRtspPath,
  type HostStatus,
  type InventoryCamera,
  type InventoryDevice,
} from './classify.js';

/** A device to create from a discovered host: its SNMP credential is referenced, never copied. */
export interface DiscoveredDevice {
  name: string;
  ip_address: string;
  mac_address: string | null;
  vendor: string | null;
  device_type: string;
  profile: string | null;
  credential_id: number;
  snmp_version: '1' | '2c' | '3';
  snmp_port: number;
  sys_name: string | null;
}

export interface DiscoveredCamera {
  name: string;
  ip_address: string;
  mac_address: string | null;
  rtsp_url: string;
  credential_id: number | null;
}

/** What the discovery service needs from the rest of the hub, built in the composition root. */
export interface DiscoveryDeps {
  store: Pick<HubStore, 'discovered' | 'credentials' | 'topology'>;
  maxPrefix: () => number;
  /** Where sweeps may go (discoveryAllowedNetworks); the private ranges when absent. */
  networks?: () => SiteNetworks;
  inventory(siteId: number): Promise<{ devices: InventoryDevice[]; cameras: InventoryCamera[] }>;
  /** Creates the discover job for the site's agent (throws a JobError when the site has none). */
  createJob(j: {
    site_id: number;
    args: Record<string, unknown>;
    timeout_s: number;
    created_by: number | null;
  }): Promise<{ id: string }>;
  /** Creates devices and cameras in one transaction; the ids in the order given. */
  createInventory(
    siteId: number,
    devices: readonly DiscoveredDevice[],
    cameras: readonly DiscoveredCamera[],
    userId: number | null,
  ): Promise<{ devices: number[]; cameras: number[] }>;
  clock(): number;
  logger: Logger;
  /** The site's discovered list changed. */
  changed(siteId: number): void;
}

export interface DiscoveredView {
  ip: string;
  found: DiscoveredHost;
  status: HostStatus['status'];
  match?: HostStatus['match'];
  changes: HostStatus['changes'];
  first_seen: number;
  last_seen: number;
  job_id: string | null;
}

const defaultNetworks = new SiteNetworks(PRIVATE_NETWORKS);

/** Seconds a sweep may take: its packets at the rate, one timeout per address batch, and room for the rest. */
export function sweepTimeoutS(
  addresses: number,
  args: { rate_pps: number; timeout_ms: number; concurrency: number },
): number {
  const packets = addresses * 6;
  const waits = Math.ceil(addresses / args.concurrency) * 2 * (args.timeout_ms / 1000);
  return Math.min(86_400, Math.ceil(60 + packets / args.rate_pps + waits));
}

/**
 * Discovery on the hub: starts sweeps (within the range bound), keeps each site's discovered list from the
 * hosts a job reports, tells new from existing and changed hosts, and turns accepted hosts into devices and
 * cameras that reference the credential that worked.
 */
export class DiscoveryService {
  constructor(private readonly d: DiscoveryDeps) {}

  /** Validates the args (400 naming the field), refuses ranges wider than the bound, and creates the job. */
  async discover(
    siteId: number,
    input: DiscoverArgsInput,
    userId: number | null,
  ): Promise<{ id: string; addresses: number }> {
    const { args, addresses } = await this.check(siteId, input);
    const job = await this.d.createJob({
      site_id: siteId,
      args: { ...args },
      timeout_s: sweepTimeoutS(addresses, args),
      created_by: userId,
    });
    return { id: job.id, addresses };
  }

  /**
   * The args as the agent gets them and how many addresses they cover; a 400 naming the field when they are
   * invalid, a range is wider than the bound, or a credential set is neither the site's nor global.
   */
  async check(siteId: number, input: DiscoverArgsInput) {
    const parsed = DiscoverArgsSchema.safeParse(input);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({
        path: ['body', ...i.path.map(String)].join('.'),
        message: i.message,
      }));
      throw new Refusal(
        'invalid',
        'validation_failed',
        `invalid request: ${details[0]?.path}: ${details[0]?.message}`,
        details,
      );
    }
    const args = parsed.data;
    const bound = this.d.maxPrefix();
    const checked = checkRanges(args.cidrs, { maxPrefixWidth: bound });
    if (!checked.ok)
      throw new Refusal('invalid', 'range_too_wide', checked.error, [
        { path: `body.cidrs.${checked.index}`, message: checked.error },
      ]);
    // Every answering host is tried with every set: a sweep stays inside the networks credentials may go to.
    const networks = this.d.networks?.() ?? defaultNetworks;
    for (const [i, cidr] of args.cidrs.entries()) {
      if (!networks.containsRange(cidr))
        throw new Refusal('invalid', 'network_not_allowed', networks.outside(cidr), [
          { path: `body.cidrs.${i}`, message: networks.outside(cidr) },
        ]);
    }
    for (const id of args.credential_set_ids ?? []) {
      const set = await this.d.store.credentials.getSet(id);
      if (!set || (set.site_id !== null && set.site_id !== siteId))
        throw new Refusal(
          'invalid',
          'validation_failed',
          `credential set ${id} is not this site's nor global`,
          [{ path: 'body.credential_set_ids', message: `no credential set ${id} for this site` }],
        );
    }
    return { args, addresses: checked.addresses };
  }

  /** Stores the hosts a discover job reported in a result (running or final). Invalid hosts are skipped, logged. */
  async onResult(job: { id: string; site_id: number | null }, result: unknown): Promise<number> {
    if (job.site_id === null || result === null || typeof result !== 'object') return 0;
    const progress = DiscoverProgressSchema.safeParse(result);
    const summary = progress.success ? undefined : DiscoverSummarySchema.safeParse(result);
    const list = progress.success
      ? progress.data.hosts
      : summary?.success
        ? (summary.data.hosts ?? [])
        : undefined;
    if (!list) {
      // Each host alone then: one bad host must not lose the others.
      const raw = (result as { hosts?: unknown[] }).hosts;
      if (!Array.isArray(raw)) return 0;
      const good: DiscoveredHost[] = [];
      for (const h of raw) {
        const one = DiscoveredHostSchema.safeParse(h);
        if (one.success) good.push(one.data);
        else
          this.d.logger.warn({ job: job.id, err: one.error.issues[0]?.message }, 'discovered host refused');
      }
      return this.#store(job, good);
    }
    return this.#store(job, list);
  }

  async #store(
    job: { id: string; site_id: number | null },
    hosts: readonly DiscoveredHost[],
  ): Promise<number> {
    if (hosts.length === 0 || job.site_id === null) return 0;
    await this.d.store.discovered.upsert(
      job.site_id,
      hosts.map((h) => ({ ip: h.ip, host: JSON.stringify(h) })),
      job.id,
      this.d.clock(),
    );
    this.d.changed(job.site_id);
    return hosts.length;
  }

  /** The site's discovered hosts, each told new, existing or changed against the inventory now. */
  async list(siteId: number): Promise<DiscoveredView[]> {
    const [rows, inv] = await Promise.all([this.d.store.discovered.list(siteId), this.d.inventory(siteId)]);
    return rows.map((r) => {
      const found = JSON.parse(r.host) as DiscoveredHost;
      const s = classifyHost(found, inv);
      return {
        ip: r.ip,
        found,
        status: s.status,
        ...(s.match ? { match: s.match } : {}),
        changes: s.changes,
        first_seen: r.first_seen,
        last_seen: r.last_seen,
        job_id: r.job_id,
      };
    });
  }

  /**
   * Creates a device or camera for each accepted new host, in one transaction: SNMP hosts become devices that
   * reference the credential that answered; hosts that speak RTSP or ONVIF become cameras (stream path by maker).
   * Hosts already monitored, unknown, or without a usable credential are refused with the reason.
   */
  async accept(
    siteId: number,
    pick: { ips?: readonly string[]; all?: boolean; names?: Readonly<Record<string, string>> },
    userId: number | null,
  ): Promise<{
    created: { ip: string; kind: 'device' | 'camera'; id: number }[];
    refused: { ip: string; reason: string }[];
  }> {
    const hosts = await this.list(siteId);
    const wanted = pick.all
      ? hosts.filter((h) => h.status === 'new').map((h) => h.ip)
      : [...new Set(pick.ips ?? [])];
    const byIp = new Map(hosts.map((h) => [h.ip, h]));
    const refused: { ip: string; reason: string }[] = [];
    const devices: DiscoveredDevice[] = [];
    const cameras: DiscoveredCamera[] = [];
    const order: { ip: string; kind: 'device' | 'camera' }[] = [];
    const names = new Set<string>();
    const uniqueName = (base: string) => {
      let name = base.slice(0, 100);
      for (let n = 2; names.has(name.toLowerCase()); n++) name = `${base.slice(0, 95)}-${n}`;
      names.add(name.toLowerCase());
      return name;
    };
    for (const ip of wanted) {
      const h = byIp.get(ip);
      if (!h) {
        refused.push({ ip, reason: 'not in the discovered list' });
        continue;
      }
      if (h.status !== 'new') {
        refused.push({ ip, reason: `already monitored as ${h.match?.kind} ${h.match?.name}` });
        continue;
      }
      const f = h.found;
      const given = pick.names?.[ip];
      if (f.guess.kind === 'camera') {
        const port = f.ports?.find((p) => p.rtsp)?.port ?? 554;
        cameras.push({
          name: uniqueName(given ?? f.onvif?.name ?? `camera ${ip}`),
          ip_address: ip,
          mac_address: f.mac ?? null,
          rtsp_url: `rtsp://${ip}:${port}${guessRtspPath(f)}`,
          credential_id: f.ports?.find((p) => p.rtsp?.credential_id)?.rtsp?.credential_id ?? null,
        });
        order.push({ ip, kind: 'camera' });
      } else if (f.snmp?.credential_id !== undefined) {
        devices.push({
          name: uniqueName(given ?? f.snmp.sys.name ?? ip),
          ip_address: ip,
          mac_address: f.mac ?? null,
          vendor: f.guess.vendor ?? null,
          device_type: f.guess.type === 'camera' ? 'other' : f.guess.type,
          profile: f.guess.profile ?? null,
          credential_id: f.snmp.credential_id,
          snmp_version: f.snmp.version,
          snmp_port: f.snmp.port,
          sys_name: f.snmp.sys.name ?? null,
        });
        order.push({ ip, kind: 'device' });
      } else
        refused.push({
          ip,
          reason: f.snmp
            ? 'the SNMP credential that answered was given with the command, not from a credential set'
            : f.snmp_no_credential
              ? 'SNMP answers but no credential of the sets was accepted: add the right one and discover again'
              : 'no SNMP answer and no camera service: add it by hand',
        });
    }
    const made =
      devices.length + cameras.length
        ? await this.d.createInventory(siteId, devices, cameras, userId)
        : { devices: [], cameras: [] };
    let di = 0;
    let ci = 0;
    const created = order.map((o) => ({
      ...o,
      id: o.kind === 'device' ? made.devices[di++]! : made.cameras[ci++]!,
    }));
    if (created.length) this.d.changed(siteId);
    return { created, refused };
  }
}
