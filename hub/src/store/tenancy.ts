/**
 * Tenancy: site groups (customers) and the scopes that limit users and API keys to some sites.
 * A scope of `null` means every site (an unscoped principal); a scope is a set of sites and of site groups,
 * resolved to the sites it covers now (a site moved into a group is covered at once).
 */

/** A site filter of a list: one site, or any of these sites (an empty list matches nothing). */
export type SiteFilter = number | readonly number[];

export interface SiteGroupRow {
  id: number;
  name: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface SiteGroupInput {
  name: string;
  description?: string | null;
}

/** Site groups (a customer's sites). A site belongs to at most one group (`sites.group_id`). */
export interface SiteGroupRepo {
  get(id: number): Promise<SiteGroupRow | undefined>;
  /** Case-insensitive. */
  byName(name: string): Promise<SiteGroupRow | undefined>;
  /** By name, with how many sites each has. */
  list(): Promise<(SiteGroupRow & { site_count: number })[]>;
  /** Rejects with StoreError `conflict` when the name is taken. */
  insert(g: SiteGroupInput, now: number): Promise<SiteGroupRow>;
  update(id: number, patch: Partial<SiteGroupInput>, now: number): Promise<SiteGroupRow | undefined>;
  /** Deletes the group: its sites stay, in no group; scopes naming the group lose it. */
  delete(id: number): Promise<boolean>;
}

/** What a scope names: sites and site groups (ids). */
export interface SiteScope {
  sites: number[];
  groups: number[];
}

/** Whose scope: a user's or an API key's. */
export type Principal = { user_id: number } | { api_key_id: number };

/** The scopes of users and API keys. */
export interface ScopeRepo {
  /** The principal's scope as set (ids sorted), or null when it is unscoped (every site). */
  get(p: Principal): Promise<SiteScope | null>;
  /**
   * Sets the scope (null: unscoped). Rejects with StoreError `reference` when a site, a group or the principal
   * does not exist. A scope whose sites are all deleted later stays a scope (of nothing), never "every site".
   */
  set(p: Principal, scope: SiteScope | null): Promise<void>;
  /** The sites the principal covers now (its sites and its groups' sites, sorted), or null when unscoped. */
  resolve(p: Principal): Promise<number[] | null>;
}
