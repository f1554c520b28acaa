import type { SeriesRepo } from '../series.js';
import type { Point, ReadRange, SeriesInfo, TargetKind } from '../timeseries/types.js';
import type { CatalogEntry, SeriesCatalog } from './catalog.js';
import { promString, selectorOf, seriesFromLabels } from './names.js';
import type { PromQueryClient } from './query.js';

/** How far back series are listed (the TSDB's retention usually ends sooner). */
const LIST_BACK_MS = 400 * 86_400_000;

export interface TsdbSeriesOptions {
  client: PromQueryClient;
  catalog: SeriesCatalog;
  clock: () => number;
  /** Deletes a target's series in the TSDB (after the unit of work that deleted the target). */
  deleteTarget(kind: TargetKind, target: string): Promise<void>;
}

const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * The time series read back from a Prometheus-compatible TSDB through its HTTP API: series from
 * `/api/v1/series`, raw points from a range selector, steps from `query_range` with `avg_over_time`. One
 * Outpost series may be several TSDB series (its device moved to another site, its unit changed): reads
 * merge them, the last value of a timestamp winning.
 */
export class TsdbSeriesRepo implements SeriesRepo {
  constructor(private readonly o: TsdbSeriesOptions) {}

  async listSeries(kind: TargetKind, target: string, metric?: string): Promise<SeriesInfo[]> {
    const match = [`__name__=~${promString(`outpost_${kind}_.+`)}`, `${kind}=${promString(target)}`];
    if (metric !== undefined) match.push(`outpost_metric=${promString(metric)}`);
    const found = await this.#series(`{${match.join(',')}}`);
    return found
      .filter((s) => s.kind === kind && s.target === target)
      .sort((a, b) => cmp(a.metric, b.metric) || cmp(JSON.stringify(a.labels), JSON.stringify(b.labels)));
  }

  async seriesByMetric(metric: string, limit: number): Promise<SeriesInfo[]> {
    const found = await this.#series(`{outpost_metric=${promString(metric)}}`);
    return found
      .sort(
        (a, b) =>
          cmp(a.kind, b.kind) ||
          cmpTarget(a.target, b.target) ||
          cmp(JSON.stringify(a.labels), JSON.stringify(b.labels)),
      )
      .slice(0, limit);
  }

  async metricNames(): Promise<{ name: string; unit: string | null; series: number }[]> {
    const found = await this.#series('{outpost_metric!=""}');
    const by = new Map<string, { name: string; unit: string | null; series: number }>();
    for (const s of found) {
      const m = by.get(s.metric);
      if (m) {
        m.series++;
        m.unit ??= s.unit;
      } else by.set(s.metric, { name: s.metric, unit: s.unit, series: 1 });
    }
    return [...by.values()].sort((a, b) => cmp(a.name, b.name));
  }

  async read(seriesId: number, range: ReadRange): Promise<Point[]> {
    const e = this.o.catalog.get(seriesId);
    if (!e || range.to < range.from) return [];
    const sel = selectorOf(e);
    const merged = new Map<number, number>();
    if (range.stepMs === undefined) {
      // A range selector returns the raw samples; Prometheus 2 includes both ends, 3 only the end.
      const result = await this.o.client.queryMatrix(`${sel}[${range.to - range.from + 1}ms]`, range.to);
      for (const r of result.filter((r) => matches(e, r.metric)))
        for (const [t, v] of r.values) {
          const ms = Math.round(t * 1000);
          if (ms >= range.from) merged.set(ms, Number(v));
        }
    } else {
      // Step k covers [k*step, (k+1)*step): evaluated at its end, over the window that ends 1 ms before it.
      const step = range.stepMs;
      const now = this.o.clock();
      const first = Math.floor(range.from / step) * step;
      const last = Math.floor(range.to / step) * step;
      // The step under way ends after now, and a TSDB may answer an evaluation after now with the one before it
      // (VictoriaMetrics' adjustLastPoints: the current step would show the previous step's average). Only the
      // steps that have ended are evaluated by the TSDB; the current one is averaged here from its raw samples
      // so far, and later ones have none.
      const current = Math.floor(now / step) * step;
      const open = last >= current && current >= first ? current : undefined;
      const closedLast = Math.min(last, current - step);
      const sums = new Map<number, { sum: number; n: number }>();
      if (closedLast >= first) {
        const result = await this.o.client.queryRange(
          `avg_over_time(${sel}[${step}ms] offset 1ms)`,
          first + step,
          closedLast + step,
          step,
        );
        for (const r of result.filter((r) => matches(e, r.metric)))
          for (const [t, v] of r.values) {
            const start = Math.round(t * 1000) - step;
            const s = sums.get(start);
            if (s) {
              s.sum += Number(v);
              s.n++;
            } else sums.set(start, { sum: Number(v), n: 1 });
          }
      }
      for (const [t, s] of sums) merged.set(t, s.sum / s.n);
      if (open !== undefined) {
        const raw = new Map<number, number>();
        const result = await this.o.client.queryMatrix(`${sel}[${now - open + 1}ms]`, now);
        for (const r of result.filter((r) => matches(e, r.metric)))
          for (const [t, v] of r.values) {
            const ms = Math.round(t * 1000);
            if (ms >= open) raw.set(ms, Number(v));
          }
        if (raw.size > 0) merged.set(open, [...raw.values()].reduce((a, b) => a + b, 0) / raw.size);
      }
    }
    return [...merged].map(([t, v]) => ({ t, v })).sort((a, b) => a.t - b.t);
  }

  async countPoints(seriesId: number, from: number, to: number): Promise<number> {
    const e = this.o.catalog.get(seriesId);
    if (!e || to < from) return 0;
    const result = await this.o.client.queryVector(
      `count_over_time(${selectorOf(e)}[${to - from + 1}ms])`,
      to,
    );
    return result.filter((r) => matches(e, r.metric)).reduce((n, r) => n + Number(r.value[1]), 0);
  }

  deleteTarget(kind: TargetKind, target: string): Promise<void> {
    return this.o.deleteTarget(kind, target);
  }

  /** The Outpost series among the TSDB series that match, each once, with its id. */
  async #series(match: string): Promise<SeriesInfo[]> {
    const now = this.o.clock();
    const sets = await this.o.client.series(match, now - LIST_BACK_MS, now + 86_400_000);
    const out = new Map<number, SeriesInfo>();
    for (const labels of sets) {
      const s = seriesFromLabels(labels);
      if (!s) continue;
      const id = this.o.catalog.readId(s);
      if (!out.has(id)) out.set(id, { id, ...s });
    }
    return [...out.values()];
  }
}

/** Whether a TSDB series (its labels, `__name__` possibly dropped by a function) is this Outpost series. */
function matches(e: CatalogEntry, labels: Readonly<Record<string, string>>): boolean {
  const s = seriesFromLabels(labels);
  return (
    s !== undefined &&
    s.kind === e.kind &&
    s.target === e.target &&
    s.metric === e.metric &&
    sameLabels(s.labels, e.labels)
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Targets are ids (devices, cameras) or names (agents): numbers in numeric order. */
const cmpTarget = (a: string, b: string) => {
  const x = Number(a);
  const y = Number(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x - y : cmp(a, b);
};
