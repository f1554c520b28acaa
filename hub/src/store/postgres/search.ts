/**
 * What a device search looks through, as one lower-case text: the searched columns joined by a unit separator
 * (which a search never contains, so a match never spans two columns). Migration 006 indexes exactly this
 * expression with trigrams; queries use it verbatim with `LIKE` and a lower-case pattern (ILIKE would fold
 * every row's case on a scan and is many times slower).
 */
export const DEVICE_SEARCH_TEXT = `lower(coalesce(name, '') || chr(31) || coalesce(ip_address, '') || chr(31) ||
  coalesce(sys_name, '') || chr(31) || coalesce(vendor, '') || chr(31) || coalesce(mac_address, '') || chr(31) ||
  coalesce(replace(mac_address, ':', ''), ''))`;

/** The LIKE pattern of a search in DEVICE_SEARCH_TEXT: lower case, %, _ and \\ literal. */
export function deviceSearchPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}
