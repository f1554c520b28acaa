/** A credential set: SNMP credentials and camera logins discovery tries in order; global when `site_id` is null. */
export interface CredentialSetRow {
  id: number;
  site_id: number | null;
  name: string;
  created_at: number;
  updated_at: number;
}

/** One credential of a set. `settings` is JSON without secrets; `secret` the encrypted secrets (or null). */
export interface CredentialRow {
  id: number;
  set_id: number;
  kind: 'snmp' | 'camera';
  position: number;
  settings: string;
  secret: string | null;
  created_at: number;
  updated_at: number;
}

/** A credential as written: `id` keeps an existing one (and its references), none adds one. */
export interface CredentialWrite {
  id?: number;
  kind: 'snmp' | 'camera';
  settings: string;
  secret: string | null;
}

export interface CredentialRepo {
  getSet(id: number): Promise<CredentialSetRow | undefined>;
  /** Sets of a site, or the global ones (`null`), or every set (`undefined`), by name. */
  listSets(siteId?: number | null): Promise<CredentialSetRow[]>;
  insertSet(s: { site_id: number | null; name: string }, now: number): Promise<CredentialSetRow>;
  renameSet(id: number, name: string, now: number): Promise<CredentialSetRow | undefined>;
  deleteSet(id: number): Promise<boolean>;
  /** The entries of sets, in set then kind then position order. */
  entries(setIds: readonly number[]): Promise<CredentialRow[]>;
  entry(id: number): Promise<CredentialRow | undefined>;
  /**
   * Makes the set's entries exactly `list`, in that order: entries with an id of this set are updated, new ones
   * added, the others removed (references to them are cleared). An id of another set is refused.
   */
  replaceEntries(setId: number, list: readonly CredentialWrite[], now: number): Promise<CredentialRow[]>;
  /** How many devices and cameras reference each entry of the set. */
  usage(setId: number): Promise<Map<number, { devices: number; cameras: number }>>;
}
