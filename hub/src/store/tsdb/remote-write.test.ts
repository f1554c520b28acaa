import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { SeriesCatalog } from './catalog.js';
import {
  decodeWriteRequest,
  encodeWriteRequest,
  type RemoteWriteError,
  remoteWrite,
  type WriteSeries,
  writeIsolating,
} from './remote-write.js';
import { TsdbSink } from './sink.js';

describe('remote write encoding', () => {
  it('is the WriteRequest the reflected protobuf types decode: labels, values and 64-bit timestamps', () => {
    const labels = [
      { name: '__name__', value: 'outpost_device_cpu_load_percent' },
      { name: 'descr', value: 'Ünïcode "quoted"' },
    ];
    const series = [
      { labels, timestamps: [1_796_000_000_000, 1_796_000_010_000], values: [0.1, -3e300] },
      {
        labels: [{ name: '__name__', value: 'x' }],
        // Every varint length, its edges, and a negative int64 (ten bytes).
        timestamps: [-5, 0, 127, 128, 16_383, 16_384, 2 ** 35 - 1, 2 ** 35, 2 ** 49, 2 ** 53 - 1],
        values: [Number.NaN, 0, 1, 2, 3, 4, 5, 6, 7, Number.POSITIVE_INFINITY],
      },
      { labels, timestamps: [1], values: [42] },
    ];
    assert.deepEqual(decodeWriteRequest(encodeWriteRequest(series)), series);
  });
});

describe('TSDB sink', () => {
  const catalog = new SeriesCatalog();
  it('groups samples per series in time order, the later of one timestamp winning', () => {
    const sink = new TsdbSink(catalog);
    const a = sink.seriesOf('device', 1, 'cpu_load', undefined, 'percent', 2);
    const b = sink.seriesOf('device', 1, 'if_in_bps', Object.freeze({ if_name: 'eth0' }), 'bps', 2);
    assert.equal(sink.seriesOf('device', 1, 'cpu_load', undefined, 'percent', 2), a, 'one id per series');
    const cases: [number, number, number][] = [
      [a, 30, 3],
      [b, 10, 100],
      [a, 10, 1],
      [a, 20, 2],
      [a, 10, 1.5],
    ];
    for (const [id, t, v] of cases) sink.add(id, t, v);
    const out = sink.drain();
    assert.equal(sink.size, 0);
    assert.deepEqual(
      out.map((s) => [s.labels.find((l) => l.name === '__name__')?.value, s.timestamps, s.values]),
      [
        ['outpost_device_cpu_load_percent', [10, 20, 30], [1.5, 2, 3]],
        ['outpost_device_if_in_bps', [10], [100]],
      ],
    );
    assert.equal(out[1]?.labels.find((l) => l.name === 'site')?.value, '2');
  });

  it('drops what a rolled-back savepoint staged, keeps what came before it', () => {
    const sink = new TsdbSink(catalog);
    const a = sink.seriesOf('agent', 'a-1', 'queue', undefined, undefined, 1);
    sink.add(a, 1, 1);
    const mark = sink.mark();
    sink.add(a, 2, 2);
    sink.rollback(mark);
    sink.add(a, 3, 3);
    assert.deepEqual(
      sink.drain().map((s) => s.timestamps),
      [[1, 3]],
    );
  });
});

describe('remoteWrite', () => {
  it('refuses the data on 400 and 422 only; other failures are to be retried', async () => {
    let status = 204;
    let seen: { headers: Record<string, unknown>; series: WriteSeries[] } | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = { headers: req.headers, series: decodeWriteRequest(Buffer.concat(chunks)) };
        res.writeHead(status).end(status === 204 ? undefined : `status ${status}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const opts = {
      url: new URL(`http://127.0.0.1:${port}/api/v1/write`),
      timeoutMs: 2000,
      headers: { Authorization: 'Basic eDp5' },
    };
    const series: WriteSeries[] = [
      { labels: [{ name: '__name__', value: 'm' }], timestamps: [1], values: [2] },
    ];
    try {
      await remoteWrite(opts, series);
      assert.deepEqual(seen?.series, series);
      assert.equal(seen?.headers['content-encoding'], 'snappy');
      assert.equal(seen?.headers['x-prometheus-remote-write-version'], '0.1.0');
      assert.equal(seen?.headers.authorization, 'Basic eDp5');
      const cases: [number, 'rejected' | 'unavailable'][] = [
        [400, 'rejected'],
        [422, 'rejected'],
        [401, 'unavailable'],
        [403, 'unavailable'],
        [404, 'unavailable'],
        [413, 'unavailable'],
        [429, 'unavailable'],
        [500, 'unavailable'],
        [503, 'unavailable'],
      ];
      for (const [s, code] of cases) {
        status = s;
        await assert.rejects(remoteWrite(opts, series), (err: RemoteWriteError) => {
          assert.equal(err.code, code, `HTTP ${s}`);
          assert.match(
            err.message,
            new RegExp(
              `^remote write to http://127\\.0\\.0\\.1:${port}/api/v1/write: HTTP ${s}: status ${s}$`,
            ),
          );
          return true;
        });
      }
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    await assert.rejects(
      remoteWrite(opts, series),
      (err: RemoteWriteError) => err.code === 'unavailable' && /^remote write to /.test(err.message),
    );
  });
});

describe('writeIsolating', () => {
  it('leaves out only the series a receiver refuses, as Prometheus refuses a whole request for one of them', async () => {
    const stored: string[] = [];
    let requests = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        const names = decodeWriteRequest(Buffer.concat(chunks)).map((s) => s.labels[0]?.value ?? '');
        if (names.some((n) => n.startsWith('late'))) return res.writeHead(400).end('out of order sample');
        stored.push(...names);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const opts = { url: new URL(`http://127.0.0.1:${port}/api/v1/write`), timeoutMs: 2000 };
    const series = (names: string[]): WriteSeries[] =>
      names.map((value) => ({ labels: [{ name: '__name__', value }], timestamps: [1, 2], values: [1, 2] }));
    try {
      const names = Array.from({ length: 40 }, (_, i) => (i === 7 || i === 31 ? `late${i}` : `ok${i}`));
      const r = await writeIsolating(opts, series(names));
      assert.deepEqual(stored.sort(), names.filter((n) => n.startsWith('ok')).sort());
      assert.equal(r.refusedSeries, 2);
      assert.equal(r.refusedSamples, 4);
      assert.match(r.error?.message ?? '', /HTTP 400: out of order sample/);
      assert.ok(requests <= 1 + 64, `${requests} requests`);

      // Everything refused: bounded, then the rest is refused whole.
      stored.length = 0;
      requests = 0;
      const all = await writeIsolating(opts, series(Array.from({ length: 500 }, (_, i) => `late${i}`)));
      assert.equal(all.refusedSeries, 500);
      assert.ok(requests <= 1 + 64, `${requests} requests`);
      assert.deepEqual(stored, []);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
