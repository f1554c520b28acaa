import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from '../errors.js';
import { LOCK_IDS, type LockHolder, PgAdvisoryLock } from './advisory-lock.js';

/**
 * What a process does with the time series of a PostgreSQL database: `writer` keeps them in the built-in chunk
 * store (its head lives in that process' memory, so one writer at a time: the lock held exclusively); `tsdb`
 * is a hub that keeps them in a TSDB (any number at once: the lock held shared, which keeps a writer out).
 */
export type TimeSeriesRole = 'writer' | 'tsdb';

export interface TimeSeriesLockOptions {
  /** How long a claim retries a lock that is taken before it refuses (default TIME_SERIES_LOCK_WAIT_MS). */
  waitMs?: number;
  /** Pause between two tries (default 250 ms). */
  retryMs?: number;
  /** How often the session is checked to still hold the lock (default 5 s). */
  probeMs?: number;
}

/**
 * A start waits this long for a lock that is taken: a process killed with kill -9 frees it as soon as
 * PostgreSQL sees its connection close, which can lag its death by a moment.
 */
export const TIME_SERIES_LOCK_WAIT_MS = 3000;
/** Time limit of one statement on the lock's connection. */
const STATEMENT_MS = 10_000;

/**
 * The time-series lock of a PostgreSQL database (advisory lock LOCK_IDS.timeSeries) on a connection of its
 * own, held from `claim` to `release`. The session ends with the process (kill -9 included), which frees it.
 * When the session ends while held (database restart, network, pg_terminate_backend) or a probe finds it gone,
 * `onLost` listeners are told once: another process may hold it by then.
 */
export class PgTimeSeriesLock {
  readonly #lock: PgAdvisoryLock;
  readonly #waitMs: number;
  readonly #retryMs: number;
  readonly #probeMs: number;
  readonly #listeners: ((err: Error) => void)[] = [];
  #held = false;
  #probe: NodeJS.Timeout | undefined;

  constructor(
    url: string,
    readonly role: TimeSeriesRole,
    opts: TimeSeriesLockOptions = {},
  ) {
    this.#waitMs = opts.waitMs ?? TIME_SERIES_LOCK_WAIT_MS;
    this.#retryMs = opts.retryMs ?? 250;
    this.#probeMs = opts.probeMs ?? 5000;
    this.#lock = new PgAdvisoryLock(url, LOCK_IDS.timeSeries, applicationName(role), role === 'tsdb');
    this.#lock.onLost(() => this.#lose('its database connection ended'));
  }

  get held(): boolean {
    return this.#held;
  }

  /** Takes the lock, retrying for a few seconds; rejects with StoreError `busy` naming who holds it. */
  async claim(): Promise<void> {
    if (this.#held) return;
    const deadline = Date.now() + this.#waitMs;
    while (!(await this.#lock.tryLock(STATEMENT_MS))) {
      if (Date.now() >= deadline) {
        const holders = await this.#lock.holders(STATEMENT_MS).catch(() => []);
        await this.#lock.drop();
        throw new StoreError('busy', timeSeriesRefusal(this.role, holders));
      }
      await sleep(this.#retryMs);
    }
    this.#held = true;
    this.#probe = setInterval(() => {
      this.#lock.holds(STATEMENT_MS).then(
        (ok) => {
          if (!ok) this.#lose('its session no longer holds it');
        },
        (err: Error) => this.#lose(`checking it failed: ${err.message}`),
      );
    }, this.#probeMs);
    this.#probe.unref();
  }

  /** Called once when a held lock is lost. */
  onLost(listener: (err: Error) => void): void {
    this.#listeners.push(listener);
  }

  /** Ends the session (freeing the lock). Never rejects. */
  async release(): Promise<void> {
    this.#held = false;
    clearInterval(this.#probe);
    await this.#lock.drop();
  }

  #lose(why: string): void {
    if (!this.#held) return;
    this.#held = false;
    clearInterval(this.#probe);
    void this.#lock.drop();
    const err = new StoreError(
      'busy',
      `lost the time-series lock of this database (${this.role === 'writer' ? 'the built-in store' : 'TSDB hubs'}): ${why}`,
    );
    for (const l of this.#listeners) l(err);
  }
}

/** The lock's application_name: who holds it, as the refusal of another process shows (63 bytes at most). */
function applicationName(role: TimeSeriesRole): string {
  return `outpost-hub ${role === 'writer' ? 'ts writer' : 'tsdb hub'} ${os.hostname()}:${process.pid}`.slice(
    0,
    63,
  );
}

/** One line saying who holds the lock, why this process may not start, and what to do. */
export function timeSeriesRefusal(role: TimeSeriesRole, holders: readonly LockHolder[]): string {
  const exclusive = holders.filter((h) => h.mode === 'exclusive');
  const shared = holders.filter((h) => h.mode === 'shared');
  if (role === 'writer' && exclusive.length > 0)
    return `another hub writes time series to this database's built-in store (${who(exclusive)}); several hubs on one database need tsdbUrl (docs/tsdb.md), or stop the other hub`;
  if (role === 'writer' && shared.length > 0)
    return `hubs that keep time series in a TSDB (tsdbUrl) run on this database (${who(shared)}); give this hub the same tsdbUrl (docs/scaling-out.md), or stop them`;
  if (role === 'tsdb' && exclusive.length > 0)
    return `a hub without tsdbUrl writes time series to this database's built-in store (${who(exclusive)}); every hub on one database needs the same tsdbUrl (docs/scaling-out.md): set it on that hub too, or stop it`;
  return `the time-series lock of this database stayed taken for ${TIME_SERIES_LOCK_WAIT_MS / 1000} s and its holder is gone now; start again`;
}

function who(holders: readonly LockHolder[]): string {
  const shown = holders.slice(0, 3).map((h) => {
    const parts = [`backend pid ${h.pid}`];
    if (h.application) parts.push(`"${h.application}"`);
    if (h.address) parts.push(`from ${h.address}`);
    if (h.since !== null) parts.push(`since ${new Date(h.since).toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
    return parts.join(' ');
  });
  const more = holders.length - shown.length;
  return `held by ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
