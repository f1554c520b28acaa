import type { SeriesInfo, TargetKind } from '../timeseries/types.js';

/**
 * How an Outpost series is named in a Prometheus-compatible TSDB (documented in docs/tsdb.md):
 * `outpost_<kind>_<metric>[_<unit>]{site, device|camera|agent, outpost_metric, outpost_unit, ...sample labels}`.
 * The metric name follows Prometheus conventions (snake case, the unit as a suffix); `outpost_metric` and
 * `outpost_unit` carry Outpost's own names so that a series reads back exactly as it was written.
 */

/** A label of a TSDB series. */
export interface PromLabel {
  name: string;
  value: string;
}

/** Labels the hub sets itself; a sample label of the same name (or one starting `exported_`) is prefixed `exported_`. */
const RESERVED = new Set([
  'site',
  'device',
  'camera',
  'agent',
  'outpost_metric',
  'outpost_unit',
  'job',
  'instance',
]);
const EXPORTED = 'exported_';

/** Prometheus' base-unit suffixes for the units Outpost's agents report; others are used as written. */
const UNIT_SUFFIX: Readonly<Record<string, string>> = {
  '%': 'percent',
  percent: 'percent',
  s: 'seconds',
  ms: 'milliseconds',
  bytes: 'bytes',
  B: 'bytes',
  bps: 'bits_per_second',
  bytes_per_s: 'bytes_per_second',
  pps: 'packets_per_second',
  fps: 'frames_per_second',
  celsius: 'celsius',
  dbm: 'dbm',
};

/** The unit as a metric-name suffix: Prometheus' word for it, or the unit reduced to [a-z0-9_]. */
export function unitSuffix(unit: string): string {
  const known = UNIT_SUFFIX[unit];
  if (known) return known;
  return unit
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The TSDB metric name of an Outpost metric: `outpost_<kind>_<metric>` ('.' becomes '_'), then the unit's
 * suffix unless the name already ends with it or with the unit itself (`if_in_bps` stays as it is).
 */
export function promMetricName(kind: TargetKind, metric: string, unit: string | undefined): string {
  const base = `outpost_${kind}_${metric.replace(/\./g, '_')}`;
  if (!unit) return base;
  const suffix = unitSuffix(unit);
  if (suffix === '') return base;
  const plain = unit.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  if (base.endsWith(`_${suffix}`) || base.endsWith(`_${plain}`)) return base;
  return `${base}_${suffix}`;
}

/** A sample label's name in the TSDB (the hub's own label names are kept for the hub). */
export function promLabelName(name: string): string {
  return RESERVED.has(name) || name.startsWith(EXPORTED) ? `${EXPORTED}${name}` : name;
}

/** The Outpost label name of a TSDB label written by promLabelName. */
export function outpostLabelName(name: string): string {
  return name.startsWith(EXPORTED) ? name.slice(EXPORTED.length) : name;
}

export interface SeriesIdentity {
  kind: TargetKind;
  target: string;
  metric: string;
  labels: Readonly<Record<string, string>>;
  unit: string | undefined;
  site: number | undefined;
}

/**
 * The full label set of a series as written, sorted by name (remote write requires it). Labels with an empty
 * value are left out: Prometheus treats an empty label as an absent one.
 */
export function promLabels(s: SeriesIdentity): PromLabel[] {
  const out: PromLabel[] = [
    { name: '__name__', value: promMetricName(s.kind, s.metric, s.unit) },
    { name: s.kind, value: s.target },
    { name: 'outpost_metric', value: s.metric },
  ];
  if (s.unit) out.push({ name: 'outpost_unit', value: s.unit });
  if (s.site !== undefined) out.push({ name: 'site', value: String(s.site) });
  for (const [k, v] of Object.entries(s.labels)) if (v !== '') out.push({ name: promLabelName(k), value: v });
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

const KINDS: readonly TargetKind[] = ['device', 'camera', 'agent'];

/**
 * An Outpost series read from the TSDB's label set, or undefined for a series the hub did not write (no
 * `outpost_metric`, or no target label). The site is left out: a series is the same when its device moves.
 */
export function seriesFromLabels(
  labels: Readonly<Record<string, string>>,
): Omit<SeriesInfo, 'id'> | undefined {
  const metric = labels.outpost_metric;
  const name = labels.__name__;
  if (!metric) return undefined;
  const kind = KINDS.find(
    (k) => labels[k] !== undefined && (name === undefined || name.startsWith(`outpost_${k}_`)),
  );
  if (!kind) return undefined;
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('__') || RESERVED.has(k)) continue;
    own[outpostLabelName(k)] = v;
  }
  return {
    kind,
    target: labels[kind] as string,
    metric,
    unit: labels.outpost_unit ?? null,
    labels: sortKeys(own),
  };
}

/** The labels with their keys sorted (the canonical form the hub compares). */
export function sortKeys(labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k] as string;
  return out;
}

/** A PromQL string literal. */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/**
 * The selector of one Outpost series: its metric, target and sample labels. It may also match series with
 * more labels (PromQL matches subsets); readers keep only the exact label set (see seriesFromLabels).
 */
export function selectorOf(s: Pick<SeriesInfo, 'kind' | 'target' | 'metric' | 'labels'>): string {
  const parts = [
    `__name__=~${promString(`outpost_${s.kind}_.+`)}`,
    `${s.kind}=${promString(s.target)}`,
    `outpost_metric=${promString(s.metric)}`,
  ];
  for (const [k, v] of Object.entries(s.labels)) parts.push(`${promLabelName(k)}=${promString(v)}`);
  return `{${parts.join(',')}}`;
}
