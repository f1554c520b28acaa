import type { AgentEventRepo } from './agent-events.js';
import type { AgentRepo } from './agents.js';
import type { AlertRuleRepo } from './alert-rules.js';
import type { AlertingStateRepo } from './alerting-state.js';
import type { AlertRepo } from './alerts.js';
import type { ApiKeyRepo } from './api-keys.js';
import type { AuditRepo } from './audit.js';
import type { CameraRepo } from './cameras.js';
import type { ChannelRepo } from './channels.js';
import type { CheckRepo } from './checks.js';
import type { ConfigVersionRepo } from './config-versions.js';
import type { CredentialRepo } from './credentials.js';
import type { CustomOidRepo } from './custom-oids.js';
import type { DeviceRepo } from './devices.js';
import type { DiscoveredRepo } from './discovered.js';
import type { EnrollmentTokenRepo } from './enrollment-tokens.js';
import type { FleetRepo } from './fleet.js';
import type { JobRepo } from './jobs.js';
import type { LedgerRepo } from './ledger.js';
import type { MaintenanceRepo } from './maintenance.js';
import type { NotificationRepo } from './notifications.js';
import type { ReleaseRepo } from './releases.js';
import type { RetentionRepo } from './retention.js';
import type { RolloutRepo } from './rollouts.js';
import type { SampleSink, SeriesRepo, TimeSeriesUpkeep } from './series.js';
import type { SessionRepo } from './sessions.js';
import type { SiteTrapsRepo } from './site-traps.js';
import type { SiteRepo } from './sites.js';
import type { SnapshotRepo } from './snapshots.js';
import type { ScopeRepo, SiteGroupRepo } from './tenancy.js';
import type { TopologyRepo } from './topology.js';
import type { UserRepo } from './users.js';

/**
 * Every repository of the hub's state. Each lives in its own file of this folder (row types and interface),
 * with one implementation per engine under `store/<engine>/` and one contract suite under `store/contract/`.
 */
export interface Repositories {
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly audit: AuditRepo;
  readonly sites: SiteRepo;
  /** Site groups (customers). */
  readonly siteGroups: SiteGroupRepo;
  /** Which sites users and API keys are limited to (tenants). */
  readonly scopes: ScopeRepo;
  readonly devices: DeviceRepo;
  readonly cameras: CameraRepo;
  readonly snapshots: SnapshotRepo;
  readonly agents: AgentRepo;
  readonly enrollmentTokens: EnrollmentTokenRepo;
  readonly agentEvents: AgentEventRepo;
  readonly configVersions: ConfigVersionRepo;
  readonly jobs: JobRepo;
  readonly alerts: AlertRepo;
  readonly alertRules: AlertRuleRepo;
  readonly maintenance: MaintenanceRepo;
  readonly alertingState: AlertingStateRepo;
  readonly channels: ChannelRepo;
  readonly notifications: NotificationRepo;
  readonly fleet: FleetRepo;
  readonly checks: CheckRepo;
  readonly customOids: CustomOidRepo;
  readonly siteTraps: SiteTrapsRepo;
  readonly credentials: CredentialRepo;
  readonly discovered: DiscoveredRepo;
  readonly topology: TopologyRepo;
  /** Time-series reads (the samples themselves are written through a unit of work's `samples`). */
  readonly series: SeriesRepo;
  /** Per-agent delivery state (stored seqs, ack, gaps); the policy is ingest/ledger.ts. */
  readonly ledger: LedgerRepo;
  /** Agent release bundles (fleet upgrades). */
  readonly releases: ReleaseRepo;
  readonly rollouts: RolloutRepo;
  /** API keys of users. */
  readonly apiKeys: ApiKeyRepo;
  /** Pruning of what grows with time (bounded growth). */
  readonly retention: RetentionRepo;
}

/**
 * The repositories bound to one transaction. Everything done through them commits together or not at all.
 * Only these repositories may be used inside the unit's callback: a call through the store itself would wait
 * for the unit to end (SQLite) or run outside it (PostgreSQL).
 */
export interface UnitOfWork extends Repositories {
  /** Samples to store with this unit: written in its transaction, readable once it has committed. */
  readonly samples: SampleSink;
  /**
   * Runs `fn` in a savepoint: when it rejects, only its own changes are undone and the error is rethrown, the
   * unit goes on. Savepoints of one unit nest; they do not run side by side.
   */
  savepoint<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T>;
}

/**
 * The hub's store: async repositories, usable one call at a time (each call is its own transaction), and
 * `unit` for what must commit together. Implementations: `store/sqlite/` (embedded default). Every
 * implementation passes `runStoreContract` (store/contract/index.ts).
 */
export interface HubStore extends Repositories {
  /** Which engine this is, for logs and health. */
  readonly engine: 'sqlite' | 'postgres';
  /** The time-series engine's upkeep (head rebuild, sealing, retention), for the background service. */
  readonly timeseries: TimeSeriesUpkeep;
  /**
   * Runs `fn` in one transaction and commits when it resolves; when it rejects (or throws), everything it did
   * is rolled back and the error is rethrown. Units of work run one after another per store on SQLite (one
   * connection) and on pooled connections on PostgreSQL; callers write them the same way for both.
   */
  unit<T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T>;
  /** Resolves when the database answers (health check); rejects with the reason otherwise. */
  ping(): Promise<void>;
  /** Closes the store after the units in progress; later calls reject. */
  close(): Promise<void>;
}
