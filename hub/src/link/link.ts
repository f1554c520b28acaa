import { encode, type MessageInputs, type MessageKind, TOPIC_RULES, topicFor } from '@outpost/protocol';
import type { MessageBus } from '../broker/bus.js';
import type { HubContext } from '../context.js';
import type { HubStore } from '../store/port.js';
import { ConfigPush } from './config-push.js';
import type { BrokerPorts } from './enrollment.js';
import { JobDispatcher } from './jobs.js';
import { createLinkMetrics, type LinkMetrics } from './metrics.js';
import { Presence } from './presence.js';

/** Tunables of the link, from the hub config. */
export interface LinkOptions {
  /** How often agents republish `status` (sent in their config); offline after 2.5 x this without news. */
  heartbeatS: number;
  batchMaxDelayMs: number;
  /** A seq gap open this long on a live connection is declared lost (the agent no longer has it). */
  lostGapAfterMs: number;
  /** A sent command without any answer is re-sent this often while its agent is online. */
  jobResendMs: number;
  /** Default wait for an offline agent before a queued job times out. */
  jobQueueTimeoutS: number;
  /** The agents' trap receiver, as sent in every site's config. */
  traps: { enabled: boolean; port: number; community?: string };
  /** How often agents read their devices' topology tables (sent in every site's config); 0 off. */
  topologyIntervalS: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = {
  heartbeatS: 30,
  batchMaxDelayMs: 1000,
  lostGapAfterMs: 120_000,
  jobResendMs: 15_000,
  jobQueueTimeoutS: 900,
  traps: { enabled: false, port: 1162 },
  topologyIntervalS: 900,
};

/** The hub's side of the hub <-> agent link: stores, presence, config push and jobs over one MessageBus. */
export class Link {
  readonly store: HubStore;
  readonly metrics: LinkMetrics;
  readonly presence: Presence;
  readonly config: ConfigPush;
  readonly jobs: JobDispatcher;
  /** Where agents reach the broker (filled by the link service once listening). */
  endpoints: BrokerPorts = {};
  readonly #sites = new Map<string, number>();

  constructor(
    readonly ctx: HubContext,
    readonly bus: MessageBus,
    readonly options: LinkOptions = DEFAULT_LINK_OPTIONS,
    metrics?: LinkMetrics,
  ) {
    this.store = ctx.store;
    this.metrics = metrics ?? createLinkMetrics(ctx.metrics);
    this.presence = new Presence(this);
    this.config = new ConfigPush(this);
    this.jobs = new JobDispatcher(this);
  }

  /** The site of an agent (cached; agents never change site), or undefined when unknown or revoked. */
  async siteOf(agentId: string): Promise<number | undefined> {
    const cached = this.#sites.get(agentId);
    if (cached !== undefined) return cached;
    const row = await this.store.agents.get(agentId);
    if (!row || row.revoked_at !== null) return undefined;
    this.#sites.set(agentId, row.site_id);
    return row.site_id;
  }

  /** Forgets cached facts about an agent (revocation). */
  forgetAgent(agentId: string): void {
    this.#sites.delete(agentId);
  }

  /** Encodes and publishes a hub -> agent message on its topic with the protocol's QoS and retained flag. */
  async send<K extends MessageKind>(kind: K, agentId: string, message: MessageInputs[K]): Promise<void> {
    const out = encode(kind, message);
    if (!out.ok) throw new Error(`encode ${kind} for agent ${agentId}: ${out.error.message}`);
    const rule = TOPIC_RULES[kind];
    await this.bus.publish(topicFor(kind, agentId), out.bytes, { qos: rule.qos, retain: rule.retain });
  }

  /** Revokes an agent: refused from now on, its live connection closed at once, marked offline. */
  async revoke(agentId: string): Promise<boolean> {
    const now = this.ctx.clock();
    const done = await this.store.agents.revoke(agentId, now);
    if (!done) return false;
    this.forgetAgent(agentId);
    await this.bus.kick(agentId);
    await this.presence.markRevoked(agentId, now);
    return true;
  }
}
