/**
 * The one helper behind every "list of plugins" in Outpost (SNMP profiles, check kinds, commands, rule kinds):
 * builds a map by name and refuses a name registered twice, which is a programming error caught at load.
 */
export function registry<T>(
  what: string,
  items: readonly T[],
  nameOf: (item: T) => string,
): ReadonlyMap<string, T> {
  const byName = new Map<string, T>();
  for (const item of items) {
    const name = nameOf(item);
    if (byName.has(name)) throw new Error(`duplicate ${what} name: ${name}`);
    byName.set(name, item);
  }
  return byName;
}
