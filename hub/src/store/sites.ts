export interface SiteRow {
  id: number;
  name: string;
  address: string | null;
  location: string | null;
  timezone: string;
  notes: string | null;
  /** The site group (customer) the site belongs to, if any. */
  group_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface SiteInput {
  name: string;
  address?: string | null;
  location?: string | null;
  timezone?: string;
  notes?: string | null;
  group_id?: number | null;
}

/** Sites: where agents, devices and cameras belong. Names are unique without regard to case. */
export interface SiteRepo {
  get(id: number): Promise<SiteRow | undefined>;
  byName(name: string): Promise<SiteRow | undefined>;
  /** By name, with how many devices and cameras each has. */
  list(): Promise<(SiteRow & { device_count: number; camera_count: number })[]>;
  insert(s: SiteInput, now: number): Promise<SiteRow>;
  /** Changes only the fields given. */
  update(id: number, patch: Partial<SiteInput>, now: number): Promise<SiteRow | undefined>;
  /** What still belongs to the site (a site with devices or cameras cannot be deleted). */
  usage(id: number): Promise<{ devices: number; cameras: number }>;
  delete(id: number): Promise<boolean>;
}
