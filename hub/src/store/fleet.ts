import type { Severity } from './alerts.js';

/** What is wrong at one site, counted from its agents, devices, cameras and open alerts. */
export interface SiteHealthRow {
  id: number;
  name: string;
  agents: number;
  agents_online: number;
  /** Rows waiting in the site's agents' outboxes (as their last status said). */
  backlog: number;
  /** Online agents whose backlog is at least the noise floor and grew since their previous status. */
  agents_backlog_growing: number;
  /** The latest time any of the site's agents was heard from (epoch ms). */
  last_seen: number | null;
  devices: number;
  /** Devices unreachable or refusing their credentials. */
  devices_down: number;
  devices_auth_failed: number;
  devices_unknown: number;
  cameras: number;
  cameras_down: number;
  cameras_degraded: number;
  /** Open alerts by severity. */
  open: Record<Severity, number>;
  /** Open alerts by severity that nobody has acknowledged (or whose acknowledgement expired). */
  unacknowledged: Record<Severity, number>;
  /** When the oldest open critical or high alert opened (epoch ms). */
  oldest_problem_at: number | null;
}

export interface SearchHit {
  kind: 'site' | 'device' | 'camera' | 'alert';
  id: number;
  title: string;
  /** Which field matched (name, ip_address, sys_name, mac_address, location, title). */
  matched: string;
  site_id: number | null;
  /** Device or camera status; alert severity and state. */
  status?: string;
  severity?: string;
  state?: string;
  ip_address?: string;
  sys_name?: string | null;
  mac_address?: string | null;
  /** Alerts: when it opened (epoch ms). */
  at?: number;
}

export interface SearchQuery {
  text: string;
  /** The text as MAC hex digits, when it looks like (part of) a MAC address. */
  macHex?: string;
  /** Hits per kind (one more is read to tell whether there are more). */
  limit: number;
  /** Only hits of these sites (a caller limited to some sites); alerts of no site are left out then. */
  sites?: readonly number[];
}

export interface SearchResult {
  sites: SearchHit[];
  devices: SearchHit[];
  cameras: SearchHit[];
  alerts: SearchHit[];
  /** Kinds with more hits than `limit`. */
  more: ('site' | 'device' | 'camera' | 'alert')[];
}

/** Read models of the whole fleet for the dashboard: per-site health and global search. */
export interface FleetRepo {
  /** Every site with its counts; `backlogNoise` is the floor below which a growing backlog is normal. */
  siteHealth(now: number, backlogNoise: number): Promise<SiteHealthRow[]>;
  /** Sites, devices (name, IP, sysName, MAC), cameras and alerts whose text contains the query. */
  search(q: SearchQuery): Promise<SearchResult>;
}
