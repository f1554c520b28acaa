import type { MessageKind, Messages } from '@outpost/protocol';
import type { HubEvents } from '../events.js';
import type { AgentSites } from '../link/agent-sites.js';
import type { ConfigPush } from '../link/config-push.js';
import type { JobDispatcher } from '../link/jobs.js';
import type { LinkMetrics } from '../link/metrics.js';
import type { Presence } from '../link/presence.js';
import type { Sender } from '../link/sender.js';
import type { Logger } from '../logger.js';
import type { HubStore } from '../store/port.js';
import type { GroupCommit } from './group-commit.js';

/** What the handlers of agent -> hub messages use, built where the hub is composed. */
export interface IngestDeps {
  store: Pick<HubStore, 'agents' | 'cameras' | 'snapshots'>;
  events: Pick<HubEvents, 'emit'>;
  logger: Logger;
  clock: () => number;
  metrics: LinkMetrics;
  sites: Pick<AgentSites, 'siteOf'>;
  presence: Pick<Presence, 'seen' | 'onStatus'>;
  configPush: Pick<ConfigPush, 'pushTo'>;
  jobs: Pick<JobDispatcher, 'onResult' | 'sendPending'>;
  sender: Sender;
  /** Stores batches, several to a transaction. */
  batches: Pick<GroupCommit, 'submit'>;
  /** Snapshots kept per camera. */
  snapshotsKeep: number;
}

/** Handles one decoded agent -> hub message kind. Throwing is logged and counted; it never stops ingest. */
export interface IngestHandler<K extends MessageKind = MessageKind> {
  kind: K;
  handle(deps: IngestDeps, agentId: string, message: Messages[K]): void | Promise<void>;
}

/** Helps type a handler object literal. */
export function defineHandler<K extends MessageKind>(h: IngestHandler<K>): IngestHandler<K> {
  return h;
}
