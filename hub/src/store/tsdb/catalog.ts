import type { SeriesInfo, TargetKind } from '../timeseries/types.js';
import { type PromLabel, promLabels, sortKeys } from './names.js';

/** A series the hub has named by an id: to write (with its TSDB labels) or to read (by its selector). */
export interface CatalogEntry {
  kind: TargetKind;
  target: string;
  metric: string;
  unit: string | null;
  labels: Readonly<Record<string, string>>;
  /** The full label set written to the TSDB (write entries only). */
  write?: readonly PromLabel[];
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Ids for series in this process: the time-series port names series by number, a TSDB by label set. Ids live
 * as long as the process and are never reused; they are not stored anywhere (the API never shows them), so
 * every hub of a cluster keeps its own. One entry per series written or read (bounded by the series count).
 */
export class SeriesCatalog {
  #entries: CatalogEntry[] = [];
  #ids = new Map<string, number>();
  /** Canonical label text per label object (agents' frozen label objects are shared by many samples). */
  #canonical = new WeakMap<object, string>();
  /** Stays the same: an id names the same series for the life of the process. */
  readonly idsToken: object = Object.freeze({});

  /** The id of a series to write (its site is part of its TSDB labels). */
  writeId(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
    site: number | undefined,
  ): number {
    const l = labels ?? NO_LABELS;
    const key = `w\u0000${kind}\u0000${target}\u0000${metric}\u0000${unit ?? ''}\u0000${site ?? ''}\u0000${this.#text(l)}`;
    const known = this.#ids.get(key);
    if (known !== undefined) return known;
    const t = String(target);
    const sorted = sortKeys(l);
    return this.#add(key, {
      kind,
      target: t,
      metric,
      unit: unit ?? null,
      labels: sorted,
      write: promLabels({ kind, target: t, metric, labels: sorted, unit, site }),
    });
  }

  /** The id of a series read from the TSDB (the same id each time it is listed). */
  readId(s: Omit<SeriesInfo, 'id'>): number {
    const key = `r\u0000${s.kind}\u0000${s.target}\u0000${s.metric}\u0000${this.#text(s.labels)}`;
    return this.#ids.get(key) ?? this.#add(key, { ...s });
  }

  get(id: number): CatalogEntry | undefined {
    return this.#entries[id - 1];
  }

  /** Canonical text of a label set (keys sorted), as series are compared. */
  #text(labels: Readonly<Record<string, string>>): string {
    const cached = this.#canonical.get(labels);
    if (cached !== undefined) return cached;
    const text = JSON.stringify(sortKeys(labels));
    if (Object.isFrozen(labels)) this.#canonical.set(labels, text);
    return text;
  }

  #add(key: string, entry: CatalogEntry): number {
    this.#entries.push(entry);
    const id = this.#entries.length;
    this.#ids.set(key, id);
    return id;
  }
}
