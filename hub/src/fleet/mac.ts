/** A MAC address in any common notation: aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff, aabbccddeeff. */
const MAC =
  /^(?:[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{12})$/i;

/** The canonical form (`aa:bb:cc:dd:ee:ff`), or null when `s` is not a MAC address. */
export function normalizeMac(s: string): string | null {
  const t = s.trim();
  if (!MAC.test(t)) return null;
  const hex = t.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return hex.match(/../g)!.join(':');
}

/**
 * The hex digits a search text means when it looks like (part of) a MAC address in any notation, so that
 * `00:1a:2b`, `001A.2B` and `001a2b` all find `00:1a:2b:..`; undefined when it does not (fewer than 4 hex
 * digits, or not shaped like a MAC address: an IPv4 address is not one).
 */
export function macSearchHex(q: string): string | undefined {
  const t = q.trim();
  const shaped =
    /^[0-9a-f]{2}(?:[:-][0-9a-f]{1,2})*[:-]?$/i.test(t) || // colon or dash pairs, possibly cut short
    /^[0-9a-f]{4}(?:\.[0-9a-f]{1,4}){0,2}$/i.test(t) || // Cisco dotted quads (not an IPv4 address)
    /^[0-9a-f]+$/i.test(t);
  if (!shaped) return undefined;
  const hex = t.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return hex.length >= 4 && hex.length <= 12 ? hex : undefined;
}
