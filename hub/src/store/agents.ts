import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './db.js';

/** An agent as stored (without its secret hash). */
export interface AgentRow {
  id: string;
  site_id: number;
  hostname: string | null;
  version: string | null;
  status: 'online' | 'offline';
  status_reason: string | null;
  last_seen: number | null;
  started_at: number | null;
  config_version_applied: number | null;
  backlog: number;
  dropped: number;
  invalid_payloads: number;
  refused_items: number;
  revoked_at: number | null;
  created_at: number;
}

const COLUMNS = `id, site_id, hostname, version, status, status_reason, last_seen, started_at, config_version_applied,
  backlog, dropped, invalid_payloads, refused_items, revoked_at, created_at`;

/** SHA-256 of an agent secret (256 random bits: a fast hash is enough, no salt needed). */
export function hashAgentSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new agent id, valid as an MQTT client id and a topic level (`agent-` + 16 hex). */
export function newAgentId(): string {
  return `agent-${randomBytes(8).toString('hex')}`;
}

/** A new agent secret: 256 random bits, base64url. */
export function newAgentSecret(): string {
  return randomBytes(32).toString('base64url');
}

export type CredentialCheck =
  | { ok: true; agent: AgentRow }
  | { ok: false; reason: 'unknown' | 'revoked' | 'wrong_secret' };

/** Presence and counters reported by the agent's `status`. */
export interface AgentStatusUpdate {
  status: 'online' | 'offline';
  reason?: string | null;
  version?: string;
  hostname?: string;
  started_at?: number;
  config_version_applied?: number | null;
  backlog?: number;
  dropped?: number;
  last_seen: number;
}

/** The agents table. */
export class AgentStore {
  readonly #get;
  readonly #secret;
  readonly #insert;
  readonly #status;
  readonly #seen;
  readonly #invalid;
  readonly #refused;
  readonly #revoke;

  constructor(private readonly db: Db) {
    this.#get = db.prepare(`SELECT ${COLUMNS} FROM agents WHERE id = ?`);
    this.#secret = db.prepare(`SELECT ${COLUMNS}, secret_hash FROM agents WHERE id = ?`);
    this.#insert = db.prepare(
      `INSERT INTO agents (id, site_id, hostname, version, secret_hash, created_at, enrolled_with)
       VALUES (@id, @site_id, @hostname, @version, @secret_hash, @created_at, @enrolled_with)`,
    );
    this.#status = db.prepare(
      `UPDATE agents SET status = @status, status_reason = @reason, last_seen = @last_seen,
         version = coalesce(@version, version), hostname = coalesce(@hostname, hostname),
         started_at = coalesce(@started_at, started_at),
         config_version_applied = coalesce(@config_version_applied, config_version_applied),
         backlog_previous = CASE WHEN @backlog IS NULL THEN backlog_previous ELSE backlog END,
         backlog = coalesce(@backlog, backlog), dropped = coalesce(@dropped, dropped)
       WHERE id = @id`,
    );
    this.#seen = db.prepare('UPDATE agents SET last_seen = ? WHERE id = ?');
    this.#invalid = db.prepare('UPDATE agents SET invalid_payloads = invalid_payloads + ? WHERE id = ?');
    this.#refused = db.prepare('UPDATE agents SET refused_items = refused_items + ? WHERE id = ?');
    this.#revoke = db.prepare(
      `UPDATE agents SET revoked_at = ?, status = 'offline', status_reason = 'revoked' WHERE id = ? AND revoked_at IS NULL`,
    );
  }

  get(id: string): AgentRow | undefined {
    return this.#get.get(id) as AgentRow | undefined;
  }

  list(filter: { site_id?: number; status?: string } = {}): AgentRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.site_id !== undefined) {
      where.push('site_id = ?');
      params.push(filter.site_id);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const sql = `SELECT ${COLUMNS} FROM agents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return this.db.prepare(sql).all(...params) as AgentRow[];
  }

  /** Agents currently marked online (for the heartbeat watchdog). */
  listOnline(): AgentRow[] {
    return this.list({ status: 'online' });
  }

  create(a: {
    id: string;
    site_id: number;
    hostname: string | null;
    version: string | null;
    secret: string;
    created_at: number;
    enrolled_with?: number;
  }): AgentRow {
    this.#insert.run({
      id: a.id,
      site_id: a.site_id,
      hostname: a.hostname,
      version: a.version,
      secret_hash: hashAgentSecret(a.secret),
      created_at: a.created_at,
      enrolled_with: a.enrolled_with ?? null,
    });
    return this.get(a.id) as AgentRow;
  }

  /** Checks an agent's credentials in constant time. */
  checkCredentials(id: string, secret: string | Buffer | undefined): CredentialCheck {
    const row = this.#secret.get(id) as (AgentRow & { secret_hash: string }) | undefined;
    // Hash even for an unknown agent so that timing does not tell which ids exist.
    const given = Buffer.from(hashAgentSecret(secret === undefined ? '' : secret.toString()), 'hex');
    const expected = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'hex');
    const match = given.length === expected.length && timingSafeEqual(given, expected);
    if (!row) return { ok: false, reason: 'unknown' };
    if (!match) return { ok: false, reason: 'wrong_secret' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    const { secret_hash: _hash, ...agent } = row;
    return { ok: true, agent };
  }

  updateStatus(id: string, u: AgentStatusUpdate): void {
    this.#status.run({
      id,
      status: u.status,
      reason: u.reason ?? null,
      last_seen: u.last_seen,
      version: u.version ?? null,
      hostname: u.hostname ?? null,
      started_at: u.started_at ?? null,
      config_version_applied: u.config_version_applied ?? null,
      backlog: u.backlog ?? null,
      dropped: u.dropped ?? null,
    });
  }

  touch(id: string, ts: number): void {
    this.#seen.run(ts, id);
  }

  addInvalidPayloads(id: string, n = 1): void {
    this.#invalid.run(n, id);
  }

  addRefusedItems(id: string, n: number): void {
    if (n > 0) this.#refused.run(n, id);
  }

  /** Marks the agent revoked; false when it was unknown or already revoked. */
  revoke(id: string, ts: number): boolean {
    return this.#revoke.run(ts, id).changes > 0;
  }
}
