/** Size limits enforced by `decode` and `encode`. Both sides use the same numbers. */
export const LIMITS = {
  /** Largest `up/batch` payload in bytes. */
  batchBytes: 1024 * 1024,
  /** Most samples in one batch. */
  batchSamples: 10_000,
  /** Most events in one batch. */
  batchEvents: 1_000,
  /** Largest `down/config` payload (a site with thousands of devices). */
  configBytes: 4 * 1024 * 1024,
  /** Largest `up/snapshot` payload (metadata header plus JPEG). */
  snapshotBytes: 4 * 1024 * 1024,
  /** Largest `up/result` payload. */
  resultBytes: 256 * 1024,
  /** Largest payload for every other message kind. */
  smallBytes: 64 * 1024,
  /** Longest agent id. */
  agentIdLength: 64,
  /** Most log lines in one `up/result`. */
  resultLogLines: 500,
  /** Most labels on one sample. */
  sampleLabels: 16,
} as const;
