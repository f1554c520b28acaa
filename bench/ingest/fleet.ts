/**
 * The simulated fleet of bench:ingest: access switches polled every INTERVAL_MS, their samples as the agent
 * makes them. Per device: 24 ports, half of them up with traffic; per port 10 series (in/out bit rates and
 * utilisation, in/out errors and discards, status, speed); per device 3 gauges with decimals. Kinds:
 * - rate: bit rates and utilisation of ports with traffic, computed as the agent does (counter delta x 8000 /
 *   elapsed ms): doubles with every mantissa bit in use;
 * - gauge: CPU load (0.1), memory used (0.01), temperature (0.5), wandering;
 * - constant: status, speed, error and discard rates of healthy ports (0), every rate of a port that is down.
 */

export type Kind = 'rate' | 'gauge' | 'constant';
export const KINDS: readonly Kind[] = ['rate', 'gauge', 'constant'];

export interface SeriesDef {
  device: number;
  metric: string;
  unit: string;
  labels?: Record<string, string>;
  kind: Kind;
  /** The next value, given the poll's elapsed milliseconds. */
  next(dtMs: number): number;
}

export const PORTS = 24;
export const INTERVAL_MS = 10_000;
/** Polls start late by up to this much (timer and SNMP jitter), so timestamps are not perfectly regular. */
export const JITTER_MS = 20;

/** Deterministic pseudo-random numbers (mulberry32), so every run sends the same data. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function port(device: number, p: number, rnd: () => number): SeriesDef[] {
  const labels = { if_index: String(p + 1), if_name: `Gi1/0/${p + 1}` };
  const up = p % 2 === 0;
  const speed = p < 2 ? 10_000_000_000 : 1_000_000_000;
  const s = (metric: string, unit: string, kind: Kind, next: (dtMs: number) => number): SeriesDef => ({
    device,
    metric,
    unit,
    labels,
    kind,
    next,
  });
  const traffic = (share: number) => {
    let bps = speed * share;
    let last = 0;
    return {
      octets(dtMs: number) {
        bps = Math.max(0, bps * (1 + (rnd() - 0.5) * 0.2));
        return Math.round((bps / 8) * (dtMs / 1000));
      },
      rate(dtMs: number) {
        last = (this.octets(dtMs) * 8000) / dtMs;
        return last;
      },
      get last() {
        return last;
      },
    };
  };
  if (!up) {
    return [
      ...['if_in_bps', 'if_out_bps'].map((m) => s(m, 'bps', 'constant', () => 0)),
      ...['if_in_utilization', 'if_out_utilization'].map((m) => s(m, 'percent', 'constant', () => 0)),
      ...['if_in_errors_ps', 'if_out_errors_ps', 'if_in_discards_ps', 'if_out_discards_ps'].map((m) =>
        s(m, 'pps', 'constant', () => 0),
      ),
      s('if_oper_status', '', 'constant', () => 2),
      s('if_speed_bps', 'bps', 'constant', () => speed),
    ];
  }
  const tin = traffic(0.05 + rnd() * 0.3);
  const tout = traffic(0.02 + rnd() * 0.2);
  return [
    s('if_in_bps', 'bps', 'rate', (dt) => tin.rate(dt)),
    s('if_out_bps', 'bps', 'rate', (dt) => tout.rate(dt)),
    s('if_in_utilization', 'percent', 'rate', () => (tin.last / speed) * 100),
    s('if_out_utilization', 'percent', 'rate', () => (tout.last / speed) * 100),
    ...['if_in_errors_ps', 'if_out_errors_ps', 'if_in_discards_ps', 'if_out_discards_ps'].map((m) =>
      s(m, 'pps', 'constant', () => 0),
    ),
    s('if_oper_status', '', 'constant', () => 1),
    s('if_speed_bps', 'bps', 'constant', () => speed),
  ];
}

/** A gauge wandering by up to `step` per poll within [lo, hi], reported rounded to `quantum`. */
function gauge(rnd: () => number, start: number, step: number, quantum: number, lo = 0, hi = 100) {
  let v = start;
  return () => {
    v = Math.min(hi, Math.max(lo, v + (rnd() - 0.5) * step));
    return Math.round(v / quantum) / (1 / quantum);
  };
}

function gauges(device: number, rnd: () => number): SeriesDef[] {
  const g = (metric: string, unit: string, next: () => number): SeriesDef => ({
    device,
    metric,
    unit,
    kind: 'gauge',
    next,
  });
  return [
    g('cpu_load', 'percent', gauge(rnd, 20 + rnd() * 30, 6, 0.1)),
    g('mem_used_percent', 'percent', gauge(rnd, 40 + rnd() * 20, 0.5, 0.01)),
    g('temperature', 'celsius', gauge(rnd, 38 + rnd() * 8, 1, 0.5, 20, 80)),
  ];
}

/** Every series of one device, in the order the agent reports them. */
export function deviceSeries(device: number, seed: number): SeriesDef[] {
  const rnd = random(seed);
  const out: SeriesDef[] = [];
  for (let p = 0; p < PORTS; p++) out.push(...port(device, p, rnd));
  out.push(...gauges(device, rnd));
  return out;
}

/** Series per device (24 ports x 10 + 3 gauges). */
export const SERIES_PER_DEVICE = PORTS * 10 + 3;

/** How the report finds a stored series' kind: device, metric and if_index. */
export function kindKey(device: number | string, metric: string, ifIndex: string | undefined): string {
  return `${device}/${metric}/${ifIndex ?? ''}`;
}
