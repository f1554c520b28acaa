import type { CredentialRepo } from '../credentials.js';
import type { DiscoveredRepo } from '../discovered.js';
import type { FleetRepo } from '../fleet.js';
import type { Repositories } from '../port.js';
import type { ReleaseRepo } from '../releases.js';
import type { RolloutRepo } from '../rollouts.js';
import type { SessionRepo } from '../sessions.js';
import type { TopologyRepo } from '../topology.js';
import type { UserRepo } from '../users.js';
import type { Scope } from './connection.js';
import { SqliteCredentials } from './credentials.js';
import { SqliteDiscovered } from './discovered.js';
import { SqliteFleet } from './fleet.js';
import { SqliteReleases } from './releases.js';
import { SqliteRollouts } from './rollouts.js';
import { SqliteSessions } from './sessions.js';
import { SqliteTopology } from './topology.js';
import { SqliteUsers } from './users.js';

/** Every SQLite repository, on one scope (the store's, or one unit of work's). One line per repository. */
export class SqliteRepositories implements Repositories {
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly fleet: FleetRepo;
  readonly credentials: CredentialRepo;
  readonly discovered: DiscoveredRepo;
  readonly topology: TopologyRepo;
  readonly releases: ReleaseRepo;
  readonly rollouts: RolloutRepo;

  constructor(scope: Scope) {
    this.users = new SqliteUsers(scope);
    this.sessions = new SqliteSessions(scope);
    this.fleet = new SqliteFleet(scope);
    this.credentials = new SqliteCredentials(scope);
    this.discovered = new SqliteDiscovered(scope);
    this.topology = new SqliteTopology(scope);
    this.releases = new SqliteReleases(scope);
    this.rollouts = new SqliteRollouts(scope);
  }
}
