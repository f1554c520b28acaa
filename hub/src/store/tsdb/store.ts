import type { HubStore, UnitOfWork } from '../port.js';
import type { SeriesRepo, TimeSeriesUpkeep } from '../series.js';
import type { TargetKind } from '../timeseries/types.js';
import { SeriesCatalog } from './catalog.js';
import { promString } from './names.js';
import { PromQueryClient } from './query.js';
import { type RemoteWriteError, redactUrl, writeIsolating } from './remote-write.js';
import { TsdbSeriesRepo } from './series.js';
import { TsdbSink } from './sink.js';
import type { TsdbEndpoints } from './url.js';

/** A failed write marks the TSDB unhealthy for this long (or until a write succeeds). */
const HEALTH_FAILURE_MS = 30_000;

export interface TsdbOptions {
  endpoints: TsdbEndpoints;
  /** Time limit of one write or query. */
  timeoutMs: number;
  clock: () => number;
  /** After a write the TSDB could not take, units with samples fail at once for this long (then try again). */
  retryAfterMs?: number;
  /** A write the TSDB accepted. */
  onWrite?(samples: number, series: number, ms: number): void;
  /** Series the TSDB refused (400/422: the data itself; retrying cannot help), the others being stored. */
  onRejected?(err: RemoteWriteError, samples: number, series: number): void;
  /** A write that failed and will be retried (its unit was rolled back), or a deletion that failed. */
  onError?(err: Error, what: 'write' | 'delete'): void;
}

/**
 * The hub's store with its time series in a Prometheus-compatible TSDB: everything else stays in `inner`.
 * A unit of work stages its samples, and just before it commits sends them in one remote-write request: the
 * unit commits only once the TSDB has accepted them (so an ingest ack still means stored) and is rolled back
 * when the TSDB cannot take them (the agents keep the batches and send them again). Should the write succeed
 * and the commit fail, the batch comes again and its samples are written again with the same timestamps and
 * values, which a TSDB takes as the same samples (see docs/tsdb.md).
 */
export function withTsdb(inner: HubStore, o: TsdbOptions): HubStore {
  const catalog = new SeriesCatalog();
  const client = new PromQueryClient({
    url: o.endpoints.queryUrl,
    headers: o.endpoints.queryHeaders,
    timeoutMs: o.timeoutMs,
  });
  const deleteNow = async (kind: TargetKind, target: string) => {
    try {
      await client.deleteSeries(
        `{__name__=~${promString(`outpost_${kind}_.+`)},${kind}=${promString(target)}}`,
      );
    } catch (err) {
      o.onError?.(err as Error, 'delete');
    }
  };
  const series = new TsdbSeriesRepo({ client, catalog, clock: o.clock, deleteTarget: deleteNow });
  const retryAfterMs = o.retryAfterMs ?? 1000;
  let failedAt: { at: number; err: RemoteWriteError } | undefined;

  const write = async (sink: TsdbSink) => {
    if (sink.size === 0) return;
    const now = o.clock();
    if (failedAt && now - failedAt.at < retryAfterMs) throw failedAt.err;
    const samples = sink.size;
    const batch = sink.drain();
    const started = performance.now();
    try {
      const r = await writeIsolating(
        { url: o.endpoints.writeUrl, headers: o.endpoints.writeHeaders, timeoutMs: o.timeoutMs },
        batch,
      );
      failedAt = undefined;
      if (r.error) o.onRejected?.(r.error, r.refusedSamples, r.refusedSeries);
      o.onWrite?.(samples - r.refusedSamples, batch.length - r.refusedSeries, performance.now() - started);
    } catch (err) {
      failedAt = { at: o.clock(), err: err as RemoteWriteError };
      o.onError?.(err as Error, 'write');
      throw err;
    }
  };

  const wrapTx = (tx: UnitOfWork, sink: TsdbSink, deletes: [TargetKind, string][]): UnitOfWork => {
    const txSeries: SeriesRepo = {
      listSeries: (k, t, m) => series.listSeries(k, t, m),
      seriesByMetric: (m, l) => series.seriesByMetric(m, l),
      metricNames: () => series.metricNames(),
      read: (id, r) => series.read(id, r),
      countPoints: (id, f, t) => series.countPoints(id, f, t),
      // After the unit commits: a rolled-back deletion must leave the samples.
      deleteTarget: async (k, t) => {
        deletes.push([k, t]);
      },
    };
    const savepoint = <T>(fn: (sp: UnitOfWork) => Promise<T>) =>
      tx.savepoint(async (sp) => {
        const mark = sink.mark();
        const queued = deletes.length;
        try {
          return await fn(wrapTx(sp, sink, deletes));
        } catch (err) {
          sink.rollback(mark);
          deletes.length = queued;
          throw err;
        }
      });
    return overlay(tx, { samples: sink, series: txSeries, savepoint });
  };

  const upkeep: TimeSeriesUpkeep = {
    // The TSDB keeps, compacts and expires its own data.
    open: async () => {},
    seal: async () => ({ series: 0, chunks: 0, samples: 0, merged: 0, logRowsDeleted: 0 }),
    retain: async () => ({ rolledUp: 0, deleted: 0 }),
    stats: () => ({
      headSeries: 0,
      headSamples: 0,
      headBytes: 0,
      logRows: 0,
      logBytes: 0,
      chunks: 0,
      sealedTotal: 0,
      replayedSamples: 0,
    }),
    close: async () => {},
    async health() {
      const failed = failedAt;
      if (failed && o.clock() - failed.at < HEALTH_FAILURE_MS)
        return { ok: false, detail: failed.err.message };
      try {
        await client.queryVector('vector(1)', o.clock());
        return { ok: true, detail: `remote write to ${redactUrl(o.endpoints.writeUrl)}` };
      } catch (err) {
        return { ok: false, detail: (err as Error).message };
      }
    },
  };

  const unit = async <T>(fn: (tx: UnitOfWork) => Promise<T>): Promise<T> => {
    const sink = new TsdbSink(catalog);
    const deletes: [TargetKind, string][] = [];
    const result = await inner.unit(async (tx) => {
      const r = await fn(wrapTx(tx, sink, deletes));
      await write(sink);
      return r;
    });
    for (const [k, t] of deletes) await deleteNow(k, t);
    return result;
  };

  return overlay(inner, { series, timeseries: upkeep, unit });
}

/**
 * `base` with some members replaced; every other member is read from `base` itself (methods bound to it), so
 * engines whose repositories are class instances with private fields keep working.
 */
function overlay<T extends object>(base: T, over: Partial<T>): T {
  return new Proxy(base, {
    get(target, prop) {
      if (Object.hasOwn(over, prop)) return over[prop as keyof T];
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
