import pg from 'pg';
import type { LeaderLock } from '../cluster.js';

/** The first key of Outpost's advisory locks ('OPST'), so that they do not collide with another program's. */
export const LOCK_NAMESPACE = 0x4f505354;

/**
 * Advisory lock ids under LOCK_NAMESPACE: `leader`, held by the hub that runs the singletons (cluster/); and
 * `timeSeries`, held exclusively by the one process that writes the built-in chunk store's head
 * (timeseries/engine.ts), or shared by every hub that keeps its time series in a TSDB (cluster/time-series.ts).
 */
export const LOCK_IDS = { leader: 1, timeSeries: 2 } as const;

/** A session holding an advisory lock, as pg_locks and pg_stat_activity show it (for a refusal's message). */
export interface LockHolder {
  pid: number;
  mode: 'shared' | 'exclusive';
  /** The holder's application_name (hubs put their host name and process id there). */
  application: string;
  /** The client's address; null over a Unix socket, or when this role may not see it. */
  address: string | null;
  /** When the holder's session started (ms), when visible. */
  since: number | null;
}

/**
 * A session-level advisory lock (`pg_try_advisory_lock(namespace, id)`) on a dedicated connection, outside the
 * store's pool: the lock lives exactly as long as this connection's session. A statement that does not answer
 * within its timeout rejects and the connection is dropped, since the session's state is then unknown.
 */
export class PgAdvisoryLock implements LeaderLock {
  #client: pg.Client | undefined;
  #lost: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly id: number = LOCK_IDS.leader,
    private readonly applicationName = 'outpost-hub leader lock',
    /** Shared mode: any number of shared holders at once, none while an exclusive one holds it. */
    private readonly shared = false,
  ) {}

  onLost(listener: () => void): void {
    this.#lost.push(listener);
  }

  async #connection(timeoutMs: number): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: timeoutMs,
      keepAlive: true,
      application_name: this.applicationName,
    });
    // A connection the server ends (restart, pg_terminate_backend, network) must not crash the hub.
    const lost = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      for (const l of this.#lost) l();
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
    } catch (err) {
      await endClient(client);
      throw err;
    }
    this.#client = client;
    return client;
  }

  async #rows<R extends pg.QueryResultRow>(sql: string, timeoutMs: number): Promise<R[]> {
    const client = await this.#connection(timeoutMs);
    try {
      const r = await client.query<R>({
        text: sql,
        values: [LOCK_NAMESPACE, this.id],
        query_timeout: timeoutMs,
      } as pg.QueryConfig);
      return r.rows;
    } catch (err) {
      // No answer in time, or an error: what the session holds is unknown, so the session is ended.
      await this.drop();
      throw err;
    }
  }

  async #query(sql: string, timeoutMs: number): Promise<boolean> {
    return (await this.#rows<{ ok: boolean }>(sql, timeoutMs))[0]?.ok === true;
  }

  tryLock(timeoutMs: number): Promise<boolean> {
    const fn = this.shared ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock';
    return this.#query(`SELECT ${fn}($1::int, $2::int) AS ok`, timeoutMs);
  }

  holds(timeoutMs: number): Promise<boolean> {
    if (!this.#client) return Promise.reject(new Error('the advisory lock has no connection'));
    // The two-key form shows in pg_locks as classid = key1, objid = key2, objsubid = 2.
    return this.#query(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
         AND granted AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2
         AND mode = '${this.shared ? 'ShareLock' : 'ExclusiveLock'}') AS ok`,
      timeoutMs,
    );
  }

  /** The other sessions that hold this lock (in either mode), to say who is in the way. */
  async holders(timeoutMs: number): Promise<LockHolder[]> {
    const rows = await this.#rows<{
      pid: number;
      mode: string;
      application: string | null;
      address: string | null;
      since: Date | null;
    }>(
      `SELECT l.pid, l.mode, a.application_name AS application, host(a.client_addr) AS address,
         a.backend_start AS since
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = $2::int::oid
         AND l.objsubid = 2 AND l.pid <> pg_backend_pid()
       ORDER BY l.pid`,
      timeoutMs,
    );
    return rows.map((r) => ({
      pid: r.pid,
      mode: r.mode === 'ShareLock' ? 'shared' : 'exclusive',
      application: r.application ?? '',
      address: r.address,
      since: r.since ? r.since.getTime() : null,
    }));
  }

  async drop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    await endClient(client);
  }
}

/**
 * Ends a connection without waiting on a network that no longer answers: a clean Terminate when the server is
 * there, the socket destroyed after a second otherwise (the server then ends the session when it notices).
 */
export async function endClient(client: pg.Client): Promise<void> {
  client.removeAllListeners();
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1000);
    }),
  ]);
  clearTimeout(timer);
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
