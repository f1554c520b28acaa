/** Tunables of the link, from the hub config. */
export interface LinkOptions {
  /** How often agents republish `status` (sent in their config); offline after 2.5 x this without news. */
  heartbeatS: number;
  batchMaxDelayMs: number;
  /** A seq gap open this long on a live connection is declared lost (the agent no longer has it). */
  lostGapAfterMs: number;
  /** A sent command without any answer is re-sent this often while its agent is online. */
  jobResendMs: number;
  /** Default wait for an offline agent before a queued job times out. */
  jobQueueTimeoutS: number;
  /** The agents' trap receiver, as sent in every site's config. */
  traps: { enabled: boolean; port: number; community?: string };
  /** How often agents read their devices' topology tables (sent in every site's config); 0 off. */
  topologyIntervalS: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = {
  heartbeatS: 30,
  batchMaxDelayMs: 1000,
  lostGapAfterMs: 120_000,
  jobResendMs: 15_000,
  jobQueueTimeoutS: 900,
  traps: { enabled: false, port: 1162 },
  topologyIntervalS: 900,
};
