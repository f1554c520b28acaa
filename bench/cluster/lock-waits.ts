import pg from 'pg';

export interface LockWaits {
  /** pg_stat_activity snapshots taken. */
  samples: number;
  /** Mean number of the database's backends running a statement, and waiting for a lock among them. */
  activeMean: number;
  waitingMean: number;
  /** Share of snapshots in which at least one backend waited for a lock (a row lock: another hub's unit). */
  anyWaiting: number;
  /** The statements seen waiting for a lock (whitespace folded, cut at 100 characters), most seen first. */
  statements: [string, number][];
}

/**
 * Samples pg_stat_activity every `everyMs` for the backends of database `db` (the hubs' connections): how
 * many run a statement and how many of those wait for a lock. Units of two hubs that hold batches of one
 * agent take turns on the agent's ledger row, the remote write included.
 */
export async function sampleLockWaits(
  url: string,
  db: string,
  everyMs = 100,
): Promise<{ stop(): Promise<LockWaits> }> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench lock sampler' });
  await client.connect();
  let samples = 0;
  let active = 0;
  let waiting = 0;
  let any = 0;
  let stopped = false;
  const statements = new Map<string, number>();
  const loop = (async () => {
    while (!stopped) {
      const r = await client.query<{ state: string | null; wait: string | null; query: string }>(
        `SELECT state, wait_event_type AS wait, query FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND state = 'active'`,
        [db],
      );
      samples++;
      active += r.rows.length;
      const waits = r.rows.filter((row) => row.wait === 'Lock');
      waiting += waits.length;
      if (waits.length > 0) any++;
      for (const w of waits) {
        const q = w.query.replace(/\s+/g, ' ').trim().slice(0, 100);
        statements.set(q, (statements.get(q) ?? 0) + 1);
      }
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end();
      const n = Math.max(1, samples);
      return {
        samples,
        activeMean: active / n,
        waitingMean: waiting / n,
        anyWaiting: any / n,
        statements: [...statements].sort((a, b) => b[1] - a[1]),
      };
    },
  };
}
