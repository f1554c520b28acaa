import protobuf from 'protobufjs';
// Pure JavaScript snappy: no native addon, so the hub bundle stays one file beside better-sqlite3.
import snappy from 'snappyjs';
import type { PromLabel } from './names.js';

/** One series of a write request: its labels sorted by name, its samples in time order (parallel arrays). */
export interface WriteSeries {
  labels: readonly PromLabel[];
  timestamps: number[];
  values: number[];
}

// Prometheus remote write 1.0 (prompb/remote.proto, prompb/types.proto): the messages the hub sends.
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
      },
    },
  },
});
const WriteRequest = root.lookupType('prometheus.WriteRequest');
const Label = root.lookupType('prometheus.Label');

// Field keys ((field number << 3) | wire type) of the messages above.
const KEY_TIMESERIES = (1 << 3) | 2;
const KEY_LABEL = (1 << 3) | 2;
const KEY_SAMPLE = (2 << 3) | 2;
const KEY_SAMPLE_VALUE = (1 << 3) | 1; // double: 8 bytes, little-endian
const KEY_SAMPLE_TIMESTAMP = (2 << 3) | 0; // int64: varint

/** A series' label set as its encoded `labels` fields (key, length, Label message each), made once per set. */
const labelBlocks = new WeakMap<readonly PromLabel[], Buffer>();
function labelBlock(labels: readonly PromLabel[]): Buffer {
  let block = labelBlocks.get(labels);
  if (!block) {
    const w = protobuf.Writer.create();
    for (const l of labels) w.uint32(KEY_LABEL).bytes(Label.encode(l).finish());
    block = Buffer.from(w.finish());
    labelBlocks.set(labels, block);
  }
  return block;
}

function varintSize(n: number): number {
  if (n < 0) return 10;
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function putVarint(buf: Buffer, at: number, n: number): number {
  if (n < 0) {
    // int64 two's complement, as protobuf writes a negative int64: always ten bytes.
    let v = BigInt.asUintN(64, BigInt(n));
    for (let i = 0; i < 9; i++, v >>= 7n) buf[at++] = Number(v & 0x7fn) | 0x80;
    buf[at++] = Number(v);
    return at;
  }
  while (n >= 128) {
    buf[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/**
 * A remote-write request body: the protobuf WriteRequest, snappy-compressed (block format). The label sets
 * are encoded by protobufjs (once per series: a series keeps its label array); the samples, a fixed message of
 * a double and an int64, are written straight into one buffer sized beforehand: protobufjs' Writer would make
 * several objects per sample, and a write carries tens of thousands. decodeWriteRequest reads a body back
 * with the reflected types, and the tests check that both agree.
 */
export function encodeWriteRequest(series: readonly WriteSeries[]): Buffer {
  const sizes = new Array<number>(series.length);
  let total = 0;
  for (let i = 0; i < series.length; i++) {
    const s = series[i] as WriteSeries;
    let size = labelBlock(s.labels).length;
    for (const t of s.timestamps) {
      const sample = 1 + 8 + 1 + varintSize(t);
      size += 1 + varintSize(sample) + sample;
    }
    sizes[i] = size;
    total += 1 + varintSize(size) + size;
  }
  const buf = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < series.length; i++) {
    const s = series[i] as WriteSeries;
    buf[at++] = KEY_TIMESERIES;
    at = putVarint(buf, at, sizes[i] as number);
    at += labelBlock(s.labels).copy(buf, at);
    const { timestamps, values } = s;
    for (let k = 0; k < timestamps.length; k++) {
      const t = timestamps[k] as number;
      buf[at++] = KEY_SAMPLE;
      at = putVarint(buf, at, 1 + 8 + 1 + varintSize(t));
      buf[at++] = KEY_SAMPLE_VALUE;
      at = buf.writeDoubleLE(values[k] as number, at);
      buf[at++] = KEY_SAMPLE_TIMESTAMP;
      at = putVarint(buf, at, t);
    }
  }
  return Buffer.from(snappy.compress(buf));
}

/** Decodes a request body with the reflected types (tests: what a receiver sees). */
export function decodeWriteRequest(body: Buffer): WriteSeries[] {
  const raw = Buffer.from(snappy.uncompress(body));
  const msg = WriteRequest.toObject(WriteRequest.decode(raw), { longs: Number }) as {
    timeseries?: { labels?: PromLabel[]; samples?: { timestamp?: number; value?: number }[] }[];
  };
  return (msg.timeseries ?? []).map((t) => ({
    labels: (t.labels ?? []).map((l) => ({ name: l.name, value: l.value })),
    timestamps: (t.samples ?? []).map((s) => s.timestamp ?? 0),
    values: (t.samples ?? []).map((s) => s.value ?? 0),
  }));
}

/** Why a write failed: `unavailable` may succeed when retried; `rejected` (a 4xx) never will. */
export class RemoteWriteError extends Error {
  constructor(
    readonly code: 'unavailable' | 'rejected',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RemoteWriteError';
  }
}

export interface RemoteWriteOptions {
  url: URL;
  /** Extra request headers (Authorization). */
  headers?: Readonly<Record<string, string>>;
  timeoutMs: number;
}

/**
 * Statuses by which a receiver refuses the samples themselves (malformed, out of order, too old): sending them
 * again cannot help. Prometheus, VictoriaMetrics and Mimir answer 400 for those.
 */
const REFUSED_DATA = new Set([400, 422]);

/**
 * Sends one remote-write request and resolves once the receiver accepted it (2xx). A 400 or 422 means the
 * receiver refused the data itself: `rejected`. Anything else is `unavailable`, to be retried: a 5xx or 429
 * (the spec's retryable answers), a network error or timeout, and also 401, 403, 404 and 413, which say the
 * hub's settings are wrong (credentials, URL, a proxy's size limit) rather than the data: once they are
 * fixed, the agents' buffered batches get through.
 */
export async function remoteWrite(opts: RemoteWriteOptions, series: readonly WriteSeries[]): Promise<void> {
  if (series.length === 0) return;
  const body = encodeWriteRequest(series);
  const where = `remote write to ${redactUrl(opts.url)}`;
  let res: Response;
  try {
    res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'Content-Encoding': 'snappy',
        'Content-Type': 'application/x-protobuf',
        'User-Agent': 'outpost-hub',
        'X-Prometheus-Remote-Write-Version': '0.1.0',
        ...opts.headers,
      },
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const why =
      (err as Error).name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : causeOf(err);
    throw new RemoteWriteError('unavailable', `${where}: ${why}`, { cause: err });
  }
  if (res.ok) {
    await res.body?.cancel();
    return;
  }
  const text = (await res.text().catch(() => '')).trim().slice(0, 300);
  const code = REFUSED_DATA.has(res.status) ? 'rejected' : 'unavailable';
  throw new RemoteWriteError(code, `${where}: HTTP ${res.status}${text ? `: ${text}` : ''}`);
}

/** The deepest message of a fetch error (`fetch failed` wraps ECONNREFUSED and the like). */
export function causeOf(err: unknown): string {
  let e = err as Error & { cause?: unknown; code?: string };
  while (e.cause instanceof Error) e = e.cause as Error & { cause?: unknown; code?: string };
  return e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
}

/** The URL without its user and password, for logs and errors. */
export function redactUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** What a write left out: the samples the receiver refused (400/422), with its last refusal. */
export interface WriteOutcome {
  refusedSamples: number;
  refusedSeries: number;
  error?: RemoteWriteError;
}

/** Requests one write may make to isolate refused series (when exhausted, what is left is refused whole). */
const BISECT_REQUESTS = 64;

/**
 * Writes `series`, and when the receiver refuses the request (Prometheus refuses a whole request for one
 * out-of-order sample) sends its halves, and theirs, so that only the series it refuses are left out, within
 * BISECT_REQUESTS requests. Rejects (`unavailable`) when the receiver cannot take the writes at all.
 */
export async function writeIsolating(
  opts: RemoteWriteOptions,
  series: readonly WriteSeries[],
): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { refusedSamples: 0, refusedSeries: 0 };
  let budget = BISECT_REQUESTS;
  const refuse = (part: readonly WriteSeries[], err: RemoteWriteError) => {
    outcome.refusedSeries += part.length;
    for (const s of part) outcome.refusedSamples += s.timestamps.length;
    outcome.error = err;
  };
  const send = async (part: readonly WriteSeries[]): Promise<void> => {
    try {
      await remoteWrite(opts, part);
    } catch (err) {
      if (!(err instanceof RemoteWriteError) || err.code !== 'rejected') throw err;
      if (part.length === 1 || budget < 2) return refuse(part, err);
      budget -= 2;
      const mid = part.length >> 1;
      await send(part.slice(0, mid));
      await send(part.slice(mid));
    }
  };
  await send(series);
  return outcome;
}
