/** Why a line of an import is refused: the column and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** What an import does with one line. */
export interface PlannedLine<W> {
  line: number;
  action: 'create' | 'update' | 'unchanged' | 'refused';
  /** The device or camera the line updates (or leaves unchanged). */
  id?: number;
  errors: FieldError[];
  write?: W;
  /** Columns whose value changes (updates). */
  changes?: string[];
}

/** What an import plan reads from the hub: sites, the existing rows of its kind, credentials. */
export interface ImportContext<E> {
  sites: readonly { id: number; name: string }[];
  existing: readonly E[];
  credentials: readonly { id: number; site_id: number | null; kind: 'snmp' | 'camera' }[];
}

/** A site by name (any case) or id, or an error on the `site` column. */
export function resolveSite(
  value: string | undefined,
  sites: readonly { id: number; name: string }[],
  errors: FieldError[],
): { id: number; name: string } | undefined {
  if (value === undefined) {
    errors.push({ field: 'site', message: 'required' });
    return undefined;
  }
  const site =
    sites.find((s) => s.name.toLowerCase() === value.toLowerCase()) ??
    (/^\d+$/.test(value) ? sites.find((s) => s.id === Number(value)) : undefined);
  if (!site) errors.push({ field: 'site', message: `no site "${value}"` });
  return site;
}

/** Columns an import does not know: refused on every line, so that a typo never silently drops a value. */
export function unknownColumns(columns: readonly string[], known: readonly string[]): FieldError[] {
  return columns
    .filter((c) => !known.includes(c))
    .map((c) => ({
      field: c || '(unnamed)',
      message: `unknown column; the columns are ${known.join(', ')}`,
    }));
}

/** Counts of a plan by action. */
export function summarize(lines: readonly PlannedLine<unknown>[]) {
  const out = { create: 0, update: 0, unchanged: 0, refused: 0 };
  for (const l of lines) out[l.action]++;
  return out;
}
