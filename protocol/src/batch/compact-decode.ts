import { brotliDecompressSync, inflateRawSync } from 'node:zlib';
import { type Failure, fieldFailure, schemaFailure } from '../errors.js';
import { LIMITS } from '../limits.js';
import { type AgentEvent, BatchSchema, LABEL_VALUE_MAX, type Sample, UNIT_MAX } from '../messages/batch.js';
import { PROTOCOL_VERSION } from '../messages/common.js';
import { ByteReader, ReadError, unzigzag } from './bytes.js';
import {
  COMPACT_FORMAT_VERSION,
  COMPACT_LIMITS,
  COMPRESSIONS,
  isCompactBatch,
  MAX_DECIMAL_SCALE,
  POW10,
  SERIES_HAS_LABELS,
  SERIES_HAS_UNIT,
  SERIES_KNOWN_FLAGS,
  SERIES_TARGET_MASK,
  TARGET_AGENT,
  TARGET_CAMERA,
  TARGET_DEVICE,
  VALUE_FLOAT64,
} from './format.js';
import { type SeriesTable, type SeriesTableCache, setColumns, type TableSeries } from './series-tables.js';
import {
  type BatchMessage,
  isEntityId,
  isLabelKey,
  isMetricName,
  isTimestamp,
  withinChars,
} from './validate.js';

export type CompactDecodeResult = { ok: true; message: BatchMessage } | Failure;

type Series = TableSeries;

/** A receiver's cache of series tables, and whose batch this is. */
export interface CompactDecodeCache {
  tables: SeriesTableCache;
  sender: string;
}

const EventsSchema = BatchSchema.shape.events;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A field whose value breaks a rule of the batch schema. */
class FieldError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Where the decoder is, kept as parts so that the path string is built only for an error. */
class Cursor {
  section = 'seq';
  index = -1;
  field = '';
  at(section: string, index = -1, field = ''): void {
    this.section = section;
    this.index = index;
    this.field = field;
  }
  get path(): string {
    if (this.index < 0) return this.section;
    return this.field ? `${this.section}.${this.index}.${this.field}` : `${this.section}.${this.index}`;
  }
  fail(message: string): FieldError {
    return new FieldError(this.path, message);
  }
}

// Rules of the string table's entries, checked once per string whatever the number of uses (bit pairs:
// checked, valid).
const METRIC = 0;
const LABEL_KEY = 2;
const UNIT = 4;
const LABEL_VALUE = 6;
const RULES: [(s: string) => boolean, string][] = [
  [isMetricName, 'metric name must be lower-case letters, digits, "_" and "."'],
  [isLabelKey, 'label key must be lower-case letters, digits, "_"'],
  [(s) => withinChars(s, UNIT_MAX), `at most ${UNIT_MAX} characters`],
  [(s) => withinChars(s, LABEL_VALUE_MAX), `at most ${LABEL_VALUE_MAX} characters`],
];

class StringTable {
  readonly checked: Uint8Array;
  constructor(readonly strings: string[]) {
    this.checked = new Uint8Array(strings.length);
  }
  /** The string at the index the reader holds, checked against `rule`. */
  get(r: ByteReader, c: Cursor, rule: number): string {
    const i = r.varint();
    const s = this.strings[i];
    if (s === undefined) throw c.fail(`string ${i} is not in the table of ${this.strings.length}`);
    const bits = this.checked[i]!;
    if ((bits & (1 << rule)) === 0) {
      const ok = RULES[rule >> 1]![0](s);
      this.checked[i] = bits | (1 << rule) | (ok ? 2 << rule : 0);
      if (!ok) throw c.fail(RULES[rule >> 1]![1]);
    } else if ((bits & (2 << rule)) === 0) throw c.fail(RULES[rule >> 1]![1]);
    return s;
  }
}

/**
 * Decodes a compact batch (protocol/README.md, "Compact batches"). Never throws: a refusal names the field
 * path (`series.3.metric`, `samples.17.ts`) and the reason. The result is what the schema gives for the same
 * batch sent as JSON; samples of one series share one frozen `labels` object. With a `cache`, a series table
 * equal to one the sender sent recently is not decoded again; `columnsOf(message)` gives the columns.
 */
export function decodeCompactBatch(bytes: Uint8Array, cache?: CompactDecodeCache): CompactDecodeResult {
  if (!isCompactBatch(bytes))
    return fieldFailure('frame', 'batch', 'header', 'not a compact batch (no "OPB" magic)');
  if (bytes.length < 6) return fieldFailure('frame', 'batch', 'header', 'shorter than its header');
  const format = bytes[3]!;
  if (format !== COMPACT_FORMAT_VERSION) {
    const message = `compact batch format ${format} is not supported; this side reads format ${COMPACT_FORMAT_VERSION}`;
    return fieldFailure('version', 'batch', 'header.format', message);
  }
  const compression = COMPRESSIONS[bytes[4]!];
  if (compression === undefined)
    return fieldFailure('frame', 'batch', 'header.compression', `unknown compression ${bytes[4]}`);
  const header = new ByteReader(bytes, 5);
  let bodyLength: number;
  try {
    bodyLength = header.varint();
  } catch (err) {
    return fieldFailure('frame', 'batch', 'header.length', (err as Error).message);
  }
  if (bodyLength > COMPACT_LIMITS.bodyBytes)
    return fieldFailure(
      'too_large',
      'batch',
      'header.length',
      `body of ${bodyLength} bytes, the limit is ${COMPACT_LIMITS.bodyBytes}`,
    );
  const packed = bytes.subarray(header.pos);
  let body: Uint8Array;
  try {
    body = decompress(packed, compression, bodyLength);
  } catch (err) {
    const e = err as Error & { code?: string };
    const over = e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError;
    return fieldFailure(
      over ? 'too_large' : 'frame',
      'batch',
      'body',
      over ? `decompresses to more than the declared ${bodyLength} bytes` : `${compression}: ${e.message}`,
    );
  }
  if (body.length !== bodyLength)
    return fieldFailure(
      'frame',
      'batch',
      'body',
      `decompresses to ${body.length} bytes, the header says ${bodyLength}`,
    );
  return decodeBody(body, cache);
}

function decompress(
  packed: Uint8Array,
  compression: (typeof COMPRESSIONS)[number],
  length: number,
): Uint8Array {
  if (compression === 'none') return packed;
  // maxOutputLength stops a decompression bomb at the declared size (+1 to tell "longer" from "exact").
  const opts = { maxOutputLength: Math.max(1, length + 1) };
  return compression === 'deflate-raw' ? inflateRawSync(packed, opts) : brotliDecompressSync(packed, opts);
}

function decodeBody(body: Uint8Array, cache: CompactDecodeCache | undefined): CompactDecodeResult {
  const r = new ByteReader(body);
  const c = new Cursor();
  try {
    const seq = r.varint();
    if (!isEntityId(seq)) throw c.fail('must be a positive integer');
    c.at('sent_at');
    const sentAt = r.varint();
    if (!isTimestamp(sentAt)) throw c.fail(TS_RULE);

    const tableStart = r.pos;
    let table = cache?.tables.find(cache.sender, body, tableStart);
    if (table !== undefined) r.pos = tableStart + table.byteLength;
    else {
      table = readTable(r, c, tableStart);
      cache?.tables.add(cache.sender, body.subarray(tableStart, r.pos), table);
    }
    const series = table.series;
    const nSeries = series.length;

    c.at('samples');
    const n = r.count(LIMITS.batchSamples, 3);
    const seriesOf = new Uint32Array(n);
    let prev = -1;
    for (let i = 0; i < n; i++) {
      const idx = prev + 1 + unzigzag(r.varint());
      if (idx < 0 || idx >= nSeries) {
        c.at('samples', i, 'series');
        throw c.fail(`series ${idx} is not in the table of ${nSeries}`);
      }
      seriesOf[i] = idx;
      prev = idx;
    }
    c.at('samples', -1, 'ts');
    const ts = new Float64Array(n);
    let t = sentAt;
    for (let i = 0; i < n; i++) {
      t += unzigzag(r.varint());
      if (!isTimestamp(t)) {
        c.at('samples', i, 'ts');
        throw c.fail(TS_RULE);
      }
      ts[i] = t;
    }
    c.at('samples', -1, 'value');
    const kinds = r.bytes(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = kinds[i]!;
      if (k === VALUE_FLOAT64) continue;
      if (k > MAX_DECIMAL_SCALE) {
        c.at('samples', i, 'value');
        throw c.fail(`unknown value kind ${k}`);
      }
      const m = unzigzag(r.varint());
      values[i] = k === 0 ? m : m / POW10[k]!;
    }
    let nFloats = 0;
    for (let i = 0; i < n; i++) if (kinds[i] === VALUE_FLOAT64) nFloats++;
    const floats = r.float64Split(nFloats);
    for (let i = 0, k = 0; i < n; i++) {
      if (kinds[i] !== VALUE_FLOAT64) continue;
      const v = floats[k++]!;
      if (!Number.isFinite(v)) {
        c.at('samples', i, 'value');
        throw c.fail(`must be a finite number, not ${v}`);
      }
      values[i] = v;
    }
    const samples = new Array<Sample>(n);
    for (let i = 0; i < n; i++) samples[i] = makeSample(series[seriesOf[i]!]!, values[i]!, ts[i]!);

    c.at('events');
    const eventsLength = r.varint();
    const eventsText = eventsLength === 0 ? '' : utf8.decode(r.bytes(eventsLength));
    c.at('body');
    if (r.remaining !== 0) throw new ReadError(`${r.remaining} bytes after the end of the batch`);
    const events = decodeEvents(eventsText);
    if (!events.ok) return events;
    const message: BatchMessage = {
      v: PROTOCOL_VERSION,
      seq,
      sent_at: sentAt,
      samples,
      events: events.events,
    };
    setColumns(message, { table, seriesOf, ts, values });
    return { ok: true, message };
  } catch (err) {
    if (err instanceof FieldError) return fieldFailure('schema', 'batch', err.path, err.message);
    if (err instanceof ReadError) return fieldFailure(err.code, 'batch', c.path, err.message);
    if (err instanceof TypeError) return fieldFailure('encoding', 'batch', c.path, 'not valid UTF-8');
    return fieldFailure('frame', 'batch', c.path, (err as Error).message);
  }
}

const TS_RULE = 'must be epoch milliseconds between 2000-01-01 and 2100-01-01';

/** The strings, label sets and series of a batch. */
function readTable(r: ByteReader, c: Cursor, start: number): SeriesTable {
  c.at('strings');
  const nStrings = r.count(COMPACT_LIMITS.strings);
  const list = new Array<string>(nStrings);
  for (let i = 0; i < nStrings; i++) {
    c.at('strings', i);
    list[i] = r.string(COMPACT_LIMITS.stringBytes);
  }
  const strings = new StringTable(list);

  c.at('label_sets');
  const nSets = r.count(COMPACT_LIMITS.labelSets);
  const labelSets = new Array<Readonly<Record<string, string>>>(nSets);
  for (let j = 0; j < nSets; j++) labelSets[j] = readLabelSet(r, c, j, strings);

  c.at('series');
  const nSeries = r.count(COMPACT_LIMITS.series, 2);
  const series = new Array<Series>(nSeries);
  for (let j = 0; j < nSeries; j++) series[j] = readSeries(r, c, j, strings, labelSets);
  return { series, byteLength: r.pos - start, memo: undefined };
}

function readLabelSet(
  r: ByteReader,
  c: Cursor,
  j: number,
  strings: StringTable,
): Readonly<Record<string, string>> {
  c.at('label_sets', j);
  const n = r.count(LIMITS.sampleLabels, 2);
  const labels: Record<string, string> = {};
  for (let l = 0; l < n; l++) {
    c.at('label_sets', j, `${l}.key`);
    const key = strings.get(r, c, LABEL_KEY);
    c.at('label_sets', j, key);
    // A key matching the label rule is never "__proto__": plain assignment is safe.
    if (Object.hasOwn(labels, key)) throw c.fail('label key repeated');
    labels[key] = strings.get(r, c, LABEL_VALUE);
  }
  return Object.freeze(labels);
}

function readSeries(
  r: ByteReader,
  c: Cursor,
  j: number,
  strings: StringTable,
  labelSets: readonly Readonly<Record<string, string>>[],
): Series {
  c.at('series', j, 'flags');
  const flags = r.byte();
  const target = flags & SERIES_TARGET_MASK;
  if ((flags & ~SERIES_KNOWN_FLAGS) !== 0 || target > TARGET_CAMERA)
    throw c.fail(`unknown flags 0x${flags.toString(16)}`);
  let id = 0;
  if (target !== TARGET_AGENT) {
    c.at('series', j, target === TARGET_DEVICE ? 'device_id' : 'camera_id');
    id = r.varint();
    if (!isEntityId(id)) throw c.fail('must be a positive integer');
  }
  c.at('series', j, 'metric');
  const metric = strings.get(r, c, METRIC);
  let unit: string | undefined;
  if (flags & SERIES_HAS_UNIT) {
    c.at('series', j, 'unit');
    unit = strings.get(r, c, UNIT);
  }
  let labels: Readonly<Record<string, string>> | undefined;
  if (flags & SERIES_HAS_LABELS) {
    c.at('series', j, 'labels');
    const set = r.varint();
    labels = labelSets[set];
    if (labels === undefined) throw c.fail(`label set ${set} is not in the table of ${labelSets.length}`);
  }
  return { target, id, metric, unit, labels };
}

/**
 * A sample with the keys in the schema's order (device_id, camera_id, metric, value, unit, ts, labels), built
 * as one literal per shape: samples of one shape share one hidden class and are allocated in one step.
 */
function makeSample(s: Series, value: number, ts: number): Sample {
  const { metric, unit, labels } = s;
  const l = labels as Record<string, string> | undefined;
  if (s.target === TARGET_DEVICE) {
    const device_id = s.id;
    if (unit !== undefined)
      return l !== undefined
        ? { device_id, metric, value, unit, ts, labels: l }
        : { device_id, metric, value, unit, ts };
    return l !== undefined ? { device_id, metric, value, ts, labels: l } : { device_id, metric, value, ts };
  }
  if (s.target === TARGET_CAMERA) {
    const camera_id = s.id;
    if (unit !== undefined)
      return l !== undefined
        ? { camera_id, metric, value, unit, ts, labels: l }
        : { camera_id, metric, value, unit, ts };
    return l !== undefined ? { camera_id, metric, value, ts, labels: l } : { camera_id, metric, value, ts };
  }
  if (unit !== undefined)
    return l !== undefined ? { metric, value, unit, ts, labels: l } : { metric, value, unit, ts };
  return l !== undefined ? { metric, value, ts, labels: l } : { metric, value, ts };
}

function decodeEvents(text: string): { ok: true; events: AgentEvent[] } | Failure {
  if (text === '') return { ok: true, events: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fieldFailure('json', 'batch', 'events', `not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) return fieldFailure('schema', 'batch', 'events', 'must be a JSON array');
  const parsed = EventsSchema.safeParse(value);
  if (!parsed.success) return schemaFailure('batch', parsed.error, ['events']);
  return { ok: true, events: parsed.data };
}
