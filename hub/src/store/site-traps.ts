/**
 * A site's own SNMP trap receiver settings as stored: the non-secret fields, the v3 inform users without their
 * keys (`users_json`), and the communities and keys encrypted together (`secret`, SecretBox JSON text).
 */
export interface SiteTrapsRecord {
  enabled: boolean;
  port: number;
  address: string;
  rate_per_s: number;
  burst: number;
  max_per_s: number;
  users_json: string;
  secret: string | null;
}

export interface SiteTrapsRow extends SiteTrapsRecord {
  site_id: number;
  updated_at: number;
}

/** Per-site trap receiver settings; a site without a row uses the hub-wide defaults. */
export interface SiteTrapsRepo {
  get(siteId: number): Promise<SiteTrapsRow | undefined>;
  /** Creates or replaces the site's settings. */
  put(siteId: number, record: SiteTrapsRecord, now: number): Promise<SiteTrapsRow>;
  /** Back to the hub-wide defaults; false when the site had no settings of its own. */
  delete(siteId: number): Promise<boolean>;
}
