import { brotliCompressSync, constants } from 'node:zlib';
import { decodeCompactBatch } from '@outpost/protocol';
import { INTERVAL_MS, JITTER_MS, random, type SeriesDef } from './fleet.js';

/**
 * Compact batches (protocol/README.md "Compact batches", format 1) of one simulated agent, built fast from a
 * template: strings, label sets, series table and series column are fixed per group of devices; each batch
 * writes its seq, timestamps and values. The protocol's encoder validates every field and costs several
 * milliseconds per batch, which the load generator cannot spend on the hub's two cores; `selfCheck` decodes
 * batches with the protocol's decoder and compares them with what was meant.
 */

class Bytes {
  buf = new Uint8Array(1 << 16);
  pos = 0;
  #ensure(n: number) {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  byte(b: number) {
    this.#ensure(1);
    this.buf[this.pos++] = b;
  }
  varint(v: number) {
    this.#ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }
  zigzag(v: number) {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  bytes(b: Uint8Array) {
    this.#ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  string(s: string) {
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    this.bytes(b);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

const MAX_MANTISSA = 2 ** 52 - 1;
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);

/** The protocol's value kind: the smallest decimal scale k whose mantissa / 10^k gives back v, else 16. */
function valueKind(v: number): [number, number] {
  if (Number.isInteger(v) && v <= MAX_MANTISSA && v >= -MAX_MANTISSA) return [0, v];
  for (let k = 1; k <= 15; k++) {
    const p = POW10[k] as number;
    const m = Math.round(v * p);
    if (m > MAX_MANTISSA || m < -MAX_MANTISSA) break;
    if (m / p === v) return [k, m];
  }
  return [16, 0];
}

export interface Group {
  devices: { id: number; series: SeriesDef[] }[];
}

export interface BuiltBatch {
  payload: Buffer;
  samples: { device: number; def: SeriesDef; ts: number; value: number }[] | undefined;
}

/** One agent's batches: group after group of devices, each a poll cycle later than the same group before. */
export class AgentBatches {
  readonly #templates: Uint8Array[];
  readonly #groups: Group[];
  readonly #rnd: () => number;
  readonly #lastPoll = new Map<number, number>();
  #batch = 0;

  constructor(
    groups: Group[],
    private readonly t0: number,
    seed: number,
  ) {
    this.#groups = groups;
    this.#rnd = random(seed);
    this.#templates = groups.map((g) => template(g));
  }

  /** Samples per batch of each group. */
  get sizes(): number[] {
    return this.#groups.map((g) => g.devices.reduce((n, d) => n + d.series.length, 0));
  }

  /** The batch with this seq (seqs must come in order); with `keep`, also what it holds. */
  next(seq: number, keep = false): BuiltBatch {
    const g = this.#batch % this.#groups.length;
    const cycle = Math.floor(this.#batch / this.#groups.length);
    this.#batch++;
    const group = this.#groups[g] as Group;
    const body = new Bytes();
    const kept: BuiltBatch['samples'] = keep ? [] : undefined;
    const times = group.devices.map(
      (_d, i) => this.t0 + cycle * INTERVAL_MS + g * 1000 + i * 10 + Math.floor(this.#rnd() * JITTER_MS),
    );
    body.varint(seq);
    body.varint(times[0] as number);
    body.bytes(this.#templates[g] as Uint8Array);
    const n = times.length === 0 ? 0 : group.devices.reduce((k, d) => k + d.series.length, 0);
    // series column: every series in template order (index - previous - 1 = 0)
    for (let i = 0; i < n; i++) body.byte(0);
    let prev = times[0] as number;
    group.devices.forEach((d, i) => {
      const ts = times[i] as number;
      for (let j = 0; j < d.series.length; j++) {
        body.zigzag(ts - prev);
        prev = ts;
      }
    });
    const values: number[] = [];
    group.devices.forEach((d, i) => {
      const ts = times[i] as number;
      const last = this.#lastPoll.get(d.id);
      const dt = last === undefined ? INTERVAL_MS : ts - last;
      this.#lastPoll.set(d.id, ts);
      for (const def of d.series) {
        const v = def.next(dt);
        values.push(v);
        kept?.push({ device: d.id, def, ts, value: v });
      }
    });
    const kinds = values.map(valueKind);
    for (const [k] of kinds) body.byte(k);
    for (const [k, m] of kinds) if (k < 16) body.zigzag(m);
    // The float64 column is byte-split (format 1: byte 0 of every value, then byte 1, and so on).
    const floats = values.filter((_v, i) => (kinds[i] as [number, number])[0] === 16);
    const split = new Uint8Array(8 * floats.length);
    floats.forEach((v, k) => {
      f64[0] = v;
      for (let b = 0; b < 8; b++) split[b * floats.length + k] = f64b[b] as number;
    });
    body.bytes(split);
    body.varint(0); // no events
    const raw = body.result();
    const head = new Bytes();
    // Brotli, as agents send them, at a low quality: the hub's decompression costs about the same.
    head.bytes(Uint8Array.from([0x4f, 0x50, 0x42, 1, 2]));
    head.varint(raw.length);
    head.bytes(
      brotliCompressSync(raw, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      }),
    );
    return { payload: Buffer.from(head.result()), samples: kept };
  }
}

/** strings, label sets, series table and the sample count of a group (fixed for every batch of it). */
function template(g: Group): Uint8Array {
  const strings = new Map<string, number>();
  const str = (s: string) => {
    let i = strings.get(s);
    if (i === undefined) {
      i = strings.size;
      strings.set(s, i);
    }
    return i;
  };
  const sets = new Map<string, number>();
  const setBytes = new Bytes();
  const series = new Bytes();
  let n = 0;
  for (const d of g.devices) {
    for (const s of d.series) {
      const flags = 1 | (s.unit ? 0b100 : 0) | (s.labels ? 0b1000 : 0);
      series.byte(flags);
      series.varint(d.id);
      series.varint(str(s.metric));
      if (s.unit) series.varint(str(s.unit));
      if (s.labels) {
        const key = JSON.stringify(s.labels);
        let idx = sets.get(key);
        if (idx === undefined) {
          idx = sets.size;
          sets.set(key, idx);
          const entries = Object.entries(s.labels);
          setBytes.varint(entries.length);
          for (const [k, v] of entries) {
            setBytes.varint(str(k));
            setBytes.varint(str(v));
          }
        }
        series.varint(idx);
      }
      n++;
    }
  }
  const out = new Bytes();
  out.varint(strings.size);
  for (const s of strings.keys()) out.string(s);
  out.varint(sets.size);
  out.bytes(setBytes.result());
  out.varint(n);
  out.bytes(series.result());
  out.varint(n);
  return out.result();
}

/** Decodes a batch with the protocol's decoder and checks that it holds exactly what was built. */
export function selfCheck(seq: number, built: BuiltBatch): void {
  const r = decodeCompactBatch(built.payload);
  if (!r.ok) throw new Error(`bench batch ${seq} does not decode: ${r.error.message}`);
  const got = r.message.samples;
  const want = built.samples ?? [];
  if (r.message.seq !== seq || got.length !== want.length) throw new Error(`bench batch ${seq}: wrong shape`);
  want.forEach((w, i) => {
    const s = got[i]!;
    const same =
      s.device_id === w.device &&
      s.metric === w.def.metric &&
      s.ts === w.ts &&
      Object.is(s.value, w.value === 0 ? 0 : w.value) &&
      JSON.stringify(s.labels ?? null) === JSON.stringify(w.def.labels ?? null);
    if (!same)
      throw new Error(`bench batch ${seq} sample ${i}: ${JSON.stringify(s)} is not ${JSON.stringify(w)}`);
  });
}
