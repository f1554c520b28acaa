import type { SampleSink } from '../series.js';
import type { TargetKind } from '../timeseries/types.js';
import type { SeriesCatalog } from './catalog.js';
import type { WriteSeries } from './remote-write.js';

/**
 * The samples of one unit of work, staged for one remote-write request sent before the unit commits.
 * `mark`/`rollback` follow the unit's savepoints; `drain` groups them per series in time order, the last
 * sample of a series and timestamp winning (as the built-in engine does).
 */
export class TsdbSink implements SampleSink {
  #series: number[] = [];
  #ts: number[] = [];
  #values: number[] = [];

  constructor(private readonly catalog: SeriesCatalog) {}

  get idsToken(): object {
    return this.catalog.idsToken;
  }

  get size(): number {
    return this.#series.length;
  }

  seriesOf(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
    site?: number,
  ): number {
    return this.catalog.writeId(kind, target, metric, labels, unit, site);
  }

  add(seriesId: number, ts: number, value: number): void {
    this.#series.push(seriesId);
    this.#ts.push(ts);
    this.#values.push(value);
  }

  mark(): number {
    return this.#series.length;
  }

  rollback(mark: number): void {
    this.#series.length = mark;
    this.#ts.length = mark;
    this.#values.length = mark;
  }

  /** The staged samples per series, ready to write; the sink is empty afterwards. */
  drain(): WriteSeries[] {
    const ts = this.#ts;
    const by = new Map<number, number[]>();
    for (let i = 0; i < this.#series.length; i++) {
      const id = this.#series[i] as number;
      const rows = by.get(id);
      if (rows) rows.push(i);
      else by.set(id, [i]);
    }
    const out: WriteSeries[] = [];
    for (const [id, rows] of by) {
      const entry = this.catalog.get(id);
      if (!entry?.write) throw new Error(`series ${id} was not staged for writing`);
      let ordered = true;
      for (let k = 1; k < rows.length && ordered; k++)
        ordered = (ts[rows[k - 1] as number] as number) < (ts[rows[k] as number] as number);
      // By time; of equal timestamps the later-staged one wins (a stable sort keeps staging order).
      if (!ordered) rows.sort((a, b) => (ts[a] as number) - (ts[b] as number) || a - b);
      const timestamps: number[] = [];
      const values: number[] = [];
      for (const i of rows) {
        const t = ts[i] as number;
        const v = this.#values[i] as number;
        if (timestamps.length > 0 && timestamps[timestamps.length - 1] === t) values[values.length - 1] = v;
        else {
          timestamps.push(t);
          values.push(v);
        }
      }
      out.push({ labels: entry.write, timestamps, values });
    }
    this.rollback(0);
    return out;
  }
}
