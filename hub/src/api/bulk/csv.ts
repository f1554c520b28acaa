import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** One record of an import, with the line it starts on (1 is the header of a CSV, the first element of JSON). */
export interface ImportRecord {
  line: number;
  fields: Record<string, string>;
}

export class ImportFormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ImportFormatError';
  }
}

/** Most records one import may hold. */
export const IMPORT_MAX_RECORDS = 20_000;

/**
 * Reads a CSV with a header line (RFC 4180: quotes, commas and newlines inside quotes; a UTF-8 BOM is skipped).
 * Header names are trimmed and lower-cased; unknown columns are refused by the caller, empty cells are absent.
 */
export function readCsv(text: string): { columns: string[]; records: ImportRecord[] } {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as never;
  } catch (err) {
    const e = err as { message: string; lines?: number };
    throw new ImportFormatError(`CSV: ${e.message}`, e.lines);
  }
  const [head, ...body] = rows;
  if (!head) throw new ImportFormatError('CSV: empty: a header line is required');
  const columns = head.record.map((c) => c.trim().toLowerCase());
  if (body.length > IMPORT_MAX_RECORDS)
    throw new ImportFormatError(`too many records: ${body.length}, at most ${IMPORT_MAX_RECORDS} per import`);
  const records = body.map(({ record, info }) => {
    const fields: Record<string, string> = {};
    record.forEach((v, i) => {
      const col = columns[i];
      const value = v.trim();
      if (col && value !== '') fields[col] = value;
    });
    if (record.length > columns.length) fields[''] = record.slice(columns.length).join(',');
    return { line: info.lines, fields };
  });
  return { columns, records };
}

/** Reads a JSON array of objects; numbers and booleans become text like CSV cells; `null` and "" are absent. */
export function readJson(value: unknown): { columns: string[]; records: ImportRecord[] } {
  if (!Array.isArray(value)) throw new ImportFormatError('JSON: must be an array of objects');
  if (value.length > IMPORT_MAX_RECORDS)
    throw new ImportFormatError(
      `too many records: ${value.length}, at most ${IMPORT_MAX_RECORDS} per import`,
    );
  const columns = new Set<string>();
  const records = value.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new ImportFormatError(`JSON: element ${i + 1} must be an object`, i + 1);
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(item)) {
      const key = k.trim().toLowerCase();
      columns.add(key);
      if (v === null || v === undefined || v === '') continue;
      fields[key] = typeof v === 'object' ? JSON.stringify(v) : String(v).trim();
    }
    return { line: i + 1, fields };
  });
  return { columns: [...columns], records };
}

/** Writes rows as CSV with a header line, in the given column order. */
export function writeCsv(
  columns: readonly string[],
  rows: readonly Record<string, string | number | null | undefined>[],
): string {
  return stringify(
    rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c])))),
    { header: true, columns: [...columns] },
  );
}
