import { Counter, Gauge } from 'prom-client';
import { addHealthCheck } from '../api/routes/health.js';
import type { HubContext } from '../context.js';
import { parseDatabaseUrl } from '../store/database-url.js';
import { PgAdvisoryLock } from '../store/postgres/advisory-lock.js';
import { PgNotifyChannel } from '../store/postgres/notify-channel.js';
import { Elector, type Leadership, soleLeadership } from './elector.js';
import type { Timing } from './leadership.js';
import { EventRelay } from './relay.js';

export interface Cluster {
  /** Who runs the singletons (services/index.ts). */
  leadership: Leadership;
  /** Stops relaying events (after the services stopped). */
  stop(): Promise<void>;
}

/**
 * What makes several hubs on one PostgreSQL database one system: the leader election for the singletons and
 * the relay of hub events between them. A hub on SQLite is alone: it leads, and its events stay in-process.
 */
export async function startCluster(ctx: HubContext, opts: { timing?: Timing } = {}): Promise<Cluster> {
  if (ctx.store.engine !== 'postgres') return { leadership: soleLeadership(), stop: async () => {} };
  const target = parseDatabaseUrl(ctx.config.databaseUrl, ctx.config.dataDir);
  if (target.engine !== 'postgres')
    throw new Error('the store runs on PostgreSQL but databaseUrl does not name it');
  const log = ctx.logger.child({ component: 'cluster' });
  const leaderGauge = new Gauge({
    name: 'outpost_hub_leader',
    help: '1 while this hub runs the singletons (alert evaluation, notifications, retention, rollouts)',
    registers: [ctx.metrics],
  });
  const relayed = new Counter({
    name: 'outpost_hub_cluster_events_total',
    help: 'Hub events relayed between hubs: sent, received, dropped (queue full), invalid',
    labelNames: ['what'],
    registers: [ctx.metrics],
  });
  let elector: Elector | undefined;
  const relay = new EventRelay(ctx.events, new PgNotifyChannel(target.url), {
    logger: log,
    clock: ctx.clock,
    // A batch's samples matter to other hubs only for the alert engine, which runs on the leader: the leader
    // keeps its own (most of what the relay would carry: every sample of every batch, as JSON over NOTIFY).
    relays: (name) => name !== 'samples' || elector?.isLeader() !== true,
    count: (what, n) => relayed.inc({ what }, n),
  });
  await relay.start();
  elector = new Elector(new PgAdvisoryLock(target.url), {
    logger: log,
    ...(opts.timing ? { timing: opts.timing } : {}),
    onRole: (leader) => leaderGauge.set(leader ? 1 : 0),
  });
  const offHealth = addHealthCheck(ctx, 'cluster', () => ({
    ok: true,
    detail: `${elector.isLeader() ? 'leader' : 'follower'}; events origin ${relay.origin}`,
  }));
  return {
    leadership: elector,
    async stop() {
      offHealth();
      await relay.stop();
    },
  };
}
