import type { SiteFilter } from './tenancy.js';

/** What the API writes about a check (`params` already validated against its kind, as JSON text). */
export interface CheckRecord {
  device_id: number;
  name: string;
  kind: string;
  interval_s: number;
  timeout_ms: number;
  params: string;
  enabled: boolean;
}

/** The states a check can be in: `unknown` until its first run. */
export const CHECK_STATUSES = ['up', 'down', 'unknown'] as const;

/** A check with its device's site and its last reported state. */
export interface CheckRow extends CheckRecord {
  id: number;
  /** The site of the check's device. */
  site_id: number;
  status: string;
  status_error: string | null;
  /** When the status last changed (the first report counts); null before it. */
  status_changed_at: number | null;
  last_run_at: number | null;
  response_ms: number | null;
  /** Facts of the last run (`status_code`, `cert_issuer`, ...) as JSON text, or null. */
  facts: string | null;
  created_at: number;
  updated_at: number;
}

export interface CheckFilter {
  device_id?: number;
  /** A site, or any of these sites (a scoped caller's). */
  site_id?: SiteFilter;
  status?: string;
  kind?: string;
}

/** One run of a check as an agent reported it. */
export interface CheckRun {
  id: number;
  /** The device the report says the check belongs to: a run of another device's check changes nothing. */
  device_id: number;
  status: 'up' | 'down';
  error: string | null;
  ts: number;
  response_ms: number | null;
  facts: string | null;
}

/** What a run changed: the check as it was before, and whether this run was applied at all. */
export interface CheckRunOutcome {
  device_id: number;
  name: string;
  kind: string;
  previous: string;
  /**
   * False when nothing changed: the run is older than the last one stored (a buffered report arriving late),
   * or the check belongs to another device than the report says (`device_id` tells).
   */
  applied: boolean;
}

/** Checks on devices: what to run (written by the API) and each check's last state (written by ingest). */
export interface CheckRepo {
  get(id: number): Promise<CheckRow | undefined>;
  insert(record: CheckRecord, now: number): Promise<CheckRow>;
  /** Changes only the fields given (not the device). */
  update(
    id: number,
    patch: Partial<Omit<CheckRecord, 'device_id'>>,
    now: number,
  ): Promise<CheckRow | undefined>;
  delete(id: number): Promise<boolean>;
  /** Checks matching the filter, by device then name. */
  list(f?: CheckFilter): Promise<CheckRow[]>;
  /** The checks of a site's devices (an agent's config), by id. */
  forSite(siteId: number): Promise<CheckRow[]>;
  /**
   * Stores a run's result when it is not older than the last one and the check is of the run's device; the
   * status change time moves only when the status changes. Undefined when there is no such check.
   */
  recordRun(run: CheckRun): Promise<CheckRunOutcome | undefined>;
  /** How many checks have each status (of one site when given). */
  statusCounts(site?: SiteFilter): Promise<Record<string, number>>;
}
