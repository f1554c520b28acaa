/** OID helpers on dotted strings (no leading dot). */

/** True when `oid` lies strictly under `root` (`1.3.6.1.2.1.2.2.1.2.5` is under `1.3.6.1.2.1.2.2.1.2`). */
export function isUnder(oid: string, root: string): boolean {
  return oid.length > root.length && oid.charCodeAt(root.length) === 46 && oid.startsWith(root);
}

/** The instance part of `oid` under `root` (`5` for ifDescr.5), or undefined when it is not under it. */
export function suffixOf(oid: string, root: string): string | undefined {
  return isUnder(oid, root) ? oid.slice(root.length + 1) : undefined;
}

/** Compares two OIDs arc by arc: negative when `a` sorts before `b` (lexicographic order of SNMP). */
export function compareOids(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    let x = 0;
    while (i < a.length && a.charCodeAt(i) !== 46) x = x * 10 + (a.charCodeAt(i++) - 48);
    let y = 0;
    while (j < b.length && b.charCodeAt(j) !== 46) y = y * 10 + (b.charCodeAt(j++) - 48);
    if (x !== y) return x - y;
    i++;
    j++;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

const OID_RE = /^\.?(0|1|2)(\.(0|[1-9][0-9]{0,9}))+$/;

/** Validates and normalises a numeric OID (drops a leading dot); undefined when it is not one. */
export function parseOid(text: string): string | undefined {
  const t = text.trim();
  if (!OID_RE.test(t)) return undefined;
  return t.startsWith('.') ? t.slice(1) : t;
}
