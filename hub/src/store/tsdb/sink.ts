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
    const by = new Map<number, number[]>();
    for (let i = 0; i < this.#series.length; i++) {
      const id = this.#series[i] as number;
      const list = by.get(id);
      if (list) list.push(i);
      else by.set(id, [i]);
    }
    const out: WriteSeries[] = [];
    for (const [id, rows] of by) {
      const entry = this.catalog.get(id);
      if (!entry?.write) throw new Error(`series ${id} was not staged for writing`);
      // Stable sort by time; of equal timestamps the later-staged one wins.
      rows.sort((a, b) => (this.#ts[a] as number) - (this.#ts[b] as number) || a - b);
      const samples: WriteSeries['samples'] = [];
      for (const i of rows) {
        const timestamp = this.#ts[i] as number;
        const value = this.#values[i] as number;
        const last = samples[samples.length - 1];
        if (last && last.timestamp === timestamp) last.value = value;
        else samples.push({ timestamp, value });
      }
      out.push({ labels: entry.write, samples });
    }
    this.rollback(0);
    return out;
  }
}
