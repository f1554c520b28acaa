import type { CustomOid } from '@outpost/protocol';

/** Where a list of custom OIDs belongs: one device, or every SNMP device of a site. */
export type CustomOidOwner = { device_id: number } | { site_id: number };

/** Custom OIDs (the protocol's shape, already validated), kept in the order they were given. */
export interface CustomOidRepo {
  /** The list of a device or of a site (site-wide entries), in order. */
  list(owner: CustomOidOwner): Promise<CustomOid[]>;
  /** Replaces the whole list of a device or a site. */
  replace(owner: CustomOidOwner, oids: readonly CustomOid[]): Promise<void>;
  /** The device lists of every device of a site, by device id (an agent's config). */
  devicesOfSite(siteId: number): Promise<Map<number, CustomOid[]>>;
}
