/** The config version of each site: it grows only when the config's content changes. */
export interface ConfigVersionRepo {
  /** The version for a config whose content hashes to `hash`: the current one, or the next when it changed. */
  versionFor(
    siteId: number,
    hash: string,
    now: number,
  ): Promise<{ version: number; issued_at: number; changed: boolean }>;
  current(siteId: number): Promise<number | undefined>;
}
