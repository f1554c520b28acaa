import protobuf from 'protobufjs';
import { compressSync, uncompressSync } from 'snappy';
import type { PromLabel } from './names.js';

/** One series of a write request: its sorted labels and its samples in time order. */
export interface WriteSeries {
  labels: readonly PromLabel[];
  samples: { timestamp: number; value: number }[];
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

/** A remote-write request body: the protobuf WriteRequest, snappy-compressed (block format). */
export function encodeWriteRequest(series: readonly WriteSeries[]): Buffer {
  const bytes = WriteRequest.encode({ timeseries: series }).finish();
  return compressSync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Decodes a request body (for tests: what a receiver would see). */
export function decodeWriteRequest(body: Buffer): WriteSeries[] {
  const raw = uncompressSync(body) as Buffer;
  const msg = WriteRequest.toObject(WriteRequest.decode(raw), { longs: Number }) as {
    timeseries?: { labels?: PromLabel[]; samples?: { timestamp?: number; value?: number }[] }[];
  };
  return (msg.timeseries ?? []).map((t) => ({
    labels: t.labels ?? [],
    samples: (t.samples ?? []).map((s) => ({ timestamp: s.timestamp ?? 0, value: s.value ?? 0 })),
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
 * Sends one remote-write request and resolves once the receiver accepted it (2xx). Per the remote-write
 * spec, a 5xx or 429 (and any network error or timeout) is retryable: `unavailable`; another 4xx means the
 * receiver refused the data itself: `rejected`.
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
  const code = res.status === 429 || res.status >= 500 ? 'unavailable' : 'rejected';
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
