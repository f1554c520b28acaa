/** Labels as canonical JSON (keys sorted) so that the same labels always name the same series. */
export function canonicalLabels(labels: Record<string, string> | undefined): string {
  if (!labels) return '{}';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '{}';
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = (keys[i - 1] as string) < (keys[i] as string);
  // Label keys are plain identifiers (no integer-like keys), so insertion order is the JSON order.
  if (sorted) return JSON.stringify(labels);
  keys.sort();
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = labels[k] as string;
  return JSON.stringify(out);
}

/** True when every key/value of `want` is in `labels`. */
export function labelsMatch(labels: Record<string, string>, want: Record<string, string>): boolean {
  for (const k in want) if (labels[k] !== want[k]) return false;
  return true;
}
