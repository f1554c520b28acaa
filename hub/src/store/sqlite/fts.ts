/** Shortest text a trigram index can look up; shorter searches scan with LIKE. */
export const TRIGRAM_MIN = 3;

/** An FTS5 phrase (in double quotes, quotes doubled) that matches `text` as a substring of any column. */
export function phrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * The MATCH expression of a device search: the text anywhere, or (when the text looks like part of a MAC
 * address in another notation) its hex digits in the colon-less MAC column. Undefined when the text is too
 * short for the trigram index.
 */
export function deviceMatch(text: string, macHex?: string): string | undefined {
  if (text.length < TRIGRAM_MIN) return undefined;
  return macHex && macHex.length >= TRIGRAM_MIN
    ? `${phrase(text)} OR mac_hex : ${phrase(macHex)}`
    : phrase(text);
}
