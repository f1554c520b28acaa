import type { SecretBox } from '../crypto/secrets.js';
import type { Logger } from '../logger.js';
import type { SiteNetworks } from '../net/site-networks.js';
import type { Repositories } from '../store/port.js';
import type { AgentSites } from './agent-sites.js';
import type { LinkOptions } from './options.js';
import type { Sender } from './sender.js';
import { buildSiteConfig, configHash, configMessage } from './site-config.js';

export interface ConfigPushDeps {
  store: Pick<
    Repositories,
    | 'agents'
    | 'configVersions'
    | 'devices'
    | 'cameras'
    | 'credentials'
    | 'checks'
    | 'customOids'
    | 'siteTraps'
  >;
  secrets: Pick<SecretBox, 'decrypt'>;
  sites: Pick<AgentSites, 'siteOf'>;
  sender: Sender;
  logger: Logger;
  clock: () => number;
  options: Pick<LinkOptions, 'heartbeatS' | 'batchMaxDelayMs' | 'topologyIntervalS' | 'traps'>;
  /** Where credentials may go on a non-admin's word: devices there are marked `try_site_communities`. */
  networks?: Pick<SiteNetworks, 'containsAddress'>;
}

/**
 * Publishes each site's config, retained, on `down/config` of every agent of that site (never another's).
 * The version grows only when the content changes; the hub's database is the source of truth, so the config
 * is published again on every agent connection rather than trusting the broker's retained copy.
 */
export class ConfigPush {
  #timer: NodeJS.Timeout | undefined;
  readonly #changedSites = new Set<number>();

  constructor(private readonly deps: ConfigPushDeps) {}

  /** Builds the site's current config and its version (bumped when the content changed). */
  async current(siteId: number): Promise<{ message: ReturnType<typeof configMessage>; changed: boolean }> {
    const { store, secrets, logger, clock, options, networks } = this.deps;
    const { body, skipped } = await buildSiteConfig(
      store,
      siteId,
      (b) => secrets.decrypt(b),
      {
        heartbeat_s: options.heartbeatS,
        batch_max_delay_ms: options.batchMaxDelayMs,
        topology_s: options.topologyIntervalS,
      },
      options.traps,
      networks,
    );
    for (const s of skipped)
      logger.warn(
        { site: siteId, [`${s.kind}_id`]: s.id, reason: s.reason },
        `${s.kind} left out of the agent config`,
      );
    const { version, issued_at, changed } = await store.configVersions.versionFor(
      siteId,
      configHash(body),
      clock(),
    );
    return { message: configMessage(body, version, issued_at), changed };
  }

  /** Publishes the config of the agent's site to that agent. */
  async pushTo(agentId: string): Promise<number | undefined> {
    const siteId = await this.deps.sites.siteOf(agentId);
    if (siteId === undefined) return undefined;
    const { message } = await this.current(siteId);
    await this.deps.sender.send('config', agentId, message);
    this.deps.logger.debug({ agent: agentId, version: message.version }, 'config published');
    return message.version;
  }

  /** Publishes a site's config to every (non-revoked) agent of the site. */
  async pushSite(siteId: number, force = false): Promise<void> {
    const { message, changed } = await this.current(siteId);
    if (!changed && !force) return;
    for (const agent of await this.deps.store.agents.list({ site_id: siteId })) {
      if (agent.revoked_at !== null) continue;
      await this.deps.sender.send('config', agent.id, message);
    }
  }

  /**
   * Reacts to an inventory change after a short delay (bulk edits become one push). Every site with agents
   * is re-checked, since a device moved between sites changes two configs; only changed ones are published.
   */
  onInventoryChanged(siteId: number, delayMs = 200): void {
    this.#changedSites.add(siteId);
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#changedSites.clear();
      (async () => {
        for (const site of await this.deps.store.agents.activeSites()) await this.pushSite(site);
      })().catch((err) => this.deps.logger.error({ err }, 'config push after inventory change failed'));
    }, delayMs);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
