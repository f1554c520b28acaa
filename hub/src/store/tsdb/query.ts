import { StoreError } from '../errors.js';
import { causeOf, redactUrl } from './remote-write.js';

/** One series of a matrix result: its labels and [seconds, "value"] pairs. */
export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface QueryOptions {
  /** Base of the Prometheus HTTP API (ends with '/'). */
  url: URL;
  headers?: Readonly<Record<string, string>>;
  timeoutMs: number;
}

/**
 * A client of the Prometheus HTTP query API (`/api/v1/...`), as Prometheus, VictoriaMetrics, Mimir and Thanos
 * serve it. Requests are form-encoded POSTs (long selectors fit). A TSDB that does not answer is a store
 * `unavailable` error naming the URL; one that refuses the query too, with its message.
 */
export class PromQueryClient {
  constructor(private readonly opts: QueryOptions) {}

  /** Label sets of the series that match `match` with samples between `start` and `end` (ms). */
  async series(match: string, start: number, end: number, limit?: number): Promise<Record<string, string>[]> {
    const params: Record<string, string> = { 'match[]': match, start: secs(start), end: secs(end) };
    if (limit !== undefined) params.limit = String(limit);
    return (await this.#post('series', params)) as Record<string, string>[];
  }

  /** An instant query whose result is a matrix (a range selector: raw samples). */
  async queryMatrix(query: string, time: number): Promise<MatrixSeries[]> {
    const data = (await this.#post('query', { query, time: secs(time) })) as {
      resultType: string;
      result: unknown;
    };
    return data.resultType === 'matrix' ? (data.result as MatrixSeries[]) : [];
  }

  /** An instant query whose result is a vector (one value per series). */
  async queryVector(
    query: string,
    time: number,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const data = (await this.#post('query', { query, time: secs(time) })) as {
      resultType: string;
      result: unknown;
    };
    return data.resultType === 'vector'
      ? (data.result as { metric: Record<string, string>; value: [number, string] }[])
      : [];
  }

  /** Deletes the series that match `match` (the TSDB's admin API; Prometheus needs --web.enable-admin-api). */
  async deleteSeries(match: string): Promise<void> {
    await this.#post('admin/tsdb/delete_series', { 'match[]': match }, true);
  }

  /** A range query: `query` evaluated every `stepMs` from `start` to `end` (ms). */
  async queryRange(query: string, start: number, end: number, stepMs: number): Promise<MatrixSeries[]> {
    const data = (await this.#post('query_range', {
      query,
      start: secs(start),
      end: secs(end),
      step: secs(stepMs),
    })) as { result: MatrixSeries[] };
    return data.result;
  }

  async #post(endpoint: string, params: Record<string, string>, noBody = false): Promise<unknown> {
    const url = new URL(`api/v1/${endpoint}`, this.opts.url);
    const where = `TSDB query ${redactUrl(url)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...this.opts.headers },
        body: new URLSearchParams(params),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const why =
        (err as Error).name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : causeOf(err);
      throw new StoreError('unavailable', `${where}: ${why}`, { cause: err });
    }
    const text = await res.text();
    if (noBody && res.ok) return undefined;
    let body: { status?: string; data?: unknown; error?: string };
    try {
      body = JSON.parse(text);
    } catch {
      throw new StoreError('unavailable', `${where}: HTTP ${res.status}: ${text.trim().slice(0, 300)}`);
    }
    if (!res.ok || body.status !== 'success')
      throw new StoreError('unavailable', `${where}: HTTP ${res.status}: ${body.error ?? 'no data'}`);
    return body.data;
  }
}

/** Epoch ms as the API's seconds (decimal, millisecond precision). */
function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}
