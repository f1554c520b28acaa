import { labelsKey, SeriesIdCache } from '../../timeseries/series-cache.js';
import { type SeriesRow, seriesInfoOf as toInfo } from '../../timeseries/series-row.js';
import type { SeriesInfo, TargetKind } from '../../timeseries/types.js';
import type { Scope } from '../connection.js';

/** A series asked for before the database gave it an id. */
interface Pending {
  kind: TargetKind;
  target: string;
  metric: string;
  labels: string;
  unit: string | null;
  /** Its id once a committed unit of work created or found it. */
  id?: number;
  /** The cache's metric map that holds it (the provisional id, then the real one). */
  slot: Map<string, number>;
}

const COLUMNS = 'id, target_kind, target_id, metric, unit, labels';

/**
 * The `series` table on PostgreSQL. Series ids must be given out synchronously while a unit of work stages
 * samples, but asking the database is asynchronous: a series not in the cache gets a provisional id (negative,
 * unique in this process, usable by any unit of work), resolved to its row when a unit persists its samples
 * (created there, in its transaction, when missing). Once a unit that resolved new series commits, the ids
 * are cached and the ids token changes, so callers that keep ids pick up the real ones.
 */
export class PgSeriesCatalog {
  readonly #cache = new SeriesIdCache();
  readonly #pending = new Map<number, Pending>();
  #nextPending = 0;

  /** The id of a series: cached, or provisional (see the class comment). */
  resolveParts(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
  ): number {
    const byMetric = this.#cache.slot(kind, target, labels);
    const cached = byMetric.get(metric);
    if (cached !== undefined) return cached;
    const id = --this.#nextPending;
    this.#pending.set(id, {
      kind,
      target: String(target),
      metric,
      labels: labelsKey(labels),
      unit: unit ?? null,
      slot: byMetric,
    });
    // Cached as provisional: the next sample of the series takes the same id without a new entry.
    byMetric.set(metric, id);
    return id;
  }

  get idsToken(): object {
    return this.#cache.idsToken;
  }

  /**
   * Real ids for the provisional ones among `ids` (rewritten in place), creating missing series in the
   * scope's transaction. Returns what to learn once that transaction has committed.
   */
  async settle(scope: Scope, ids: number[]): Promise<Map<number, number>> {
    const found = new Map<number, number>();
    const ask: [number, Pending][] = [];
    for (const id of ids) {
      if (id >= 0 || found.has(id)) continue;
      const p = this.#pending.get(id);
      if (!p) throw new Error(`series id ${id} was never given out by this catalog`);
      if (p.id !== undefined) found.set(id, p.id);
      else {
        found.set(id, 0);
        ask.push([id, p]);
      }
    }
    if (ask.length > 0) {
      const cols = [0, 1, 2, 3, 4].map(() => [] as (string | null)[]);
      for (const [, p] of ask) {
        cols[0]!.push(p.kind);
        cols[1]!.push(p.target);
        cols[2]!.push(p.metric);
        cols[3]!.push(p.labels);
        cols[4]!.push(p.unit);
      }
      // Sorted by key so that two units creating the same series lock their index entries in one order.
      await scope.run(
        `INSERT INTO series (target_kind, target_id, metric, labels, unit)
         SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
         ORDER BY 1, 2, 3, 4 ON CONFLICT DO NOTHING`,
        ...cols,
      );
      const rows = await scope.all<{ id: number; ord: number }>(
        `SELECT s.id, k.ord FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY
           AS k(kind, target, metric, labels, ord)
         JOIN series s ON s.target_kind = k.kind AND s.target_id = k.target AND s.metric = k.metric
           AND s.labels = k.labels`,
        ...cols.slice(0, 4),
      );
      for (const r of rows) found.set((ask[r.ord - 1] as [number, Pending])[0], r.id);
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id < 0) ids[i] = found.get(id) as number;
    }
    return found;
  }

  /** After the unit that settled them committed: the real ids are cached, callers re-resolve. */
  learn(found: ReadonlyMap<number, number>): void {
    let changed = false;
    for (const [provisional, id] of found) {
      const p = this.#pending.get(provisional);
      if (!p || p.id !== undefined) continue;
      p.id = id;
      // In place: the cache entry named the provisional id (a cache cleared since holds neither).
      if (p.slot.get(p.metric) === provisional) p.slot.set(p.metric, id);
      changed = true;
    }
    if (changed) this.#cache.renew();
  }

  /**
   * Series were deleted: every cached id is forgotten (the next use of a key resolves it anew), and
   * provisional ids that named them are resolved by their key again when a unit that holds one persists.
   */
  forget(ids: readonly number[]): void {
    const gone = new Set(ids);
    for (const p of this.#pending.values()) if (p.id !== undefined && gone.has(p.id)) delete p.id;
    this.#cache.clear();
  }

  list(scope: Scope, kind: TargetKind, target: string, metric?: string): Promise<SeriesInfo[]> {
    const rows =
      metric === undefined
        ? scope.all<SeriesRow>(
            `SELECT ${COLUMNS} FROM series WHERE target_kind = ? AND target_id = ? ORDER BY metric COLLATE "C", labels COLLATE "C"`,
            kind,
            target,
          )
        : scope.all<SeriesRow>(
            `SELECT ${COLUMNS} FROM series WHERE target_kind = ? AND target_id = ? AND metric = ? ORDER BY labels COLLATE "C"`,
            kind,
            target,
            metric,
          );
    return rows.then((r) => r.map(toInfo));
  }

  async byMetric(scope: Scope, metric: string, limit: number): Promise<SeriesInfo[]> {
    const rows = await scope.all<SeriesRow>(
      `SELECT ${COLUMNS} FROM series WHERE metric = ? ORDER BY target_kind, target_id COLLATE "C", labels COLLATE "C" LIMIT ?`,
      metric,
      limit,
    );
    return rows.map(toInfo);
  }

  metricNames(scope: Scope): Promise<{ name: string; unit: string | null; series: number }[]> {
    return scope.all(
      'SELECT metric AS name, MAX(unit) AS unit, COUNT(*) AS series FROM series GROUP BY metric ORDER BY metric COLLATE "C"',
    );
  }
}
