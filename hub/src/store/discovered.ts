/** A host a site's discovery found: `host` is its last `DiscoveredHost` as JSON. */
export interface DiscoveredRow {
  site_id: number;
  ip: string;
  host: string;
  first_seen: number;
  last_seen: number;
  job_id: string | null;
}

export interface DiscoveredRepo {
  /** Records hosts found by a job: each address once per site, the latest finding wins. */
  upsert(
    siteId: number,
    hosts: readonly { ip: string; host: string }[],
    jobId: string | null,
    now: number,
  ): Promise<void>;
  list(siteId: number): Promise<DiscoveredRow[]>;
  get(siteId: number, ip: string): Promise<DiscoveredRow | undefined>;
  /** Forgets hosts (dismissed by an operator); returns how many. */
  remove(siteId: number, ips: readonly string[]): Promise<number>;
}
