/** What one run of a check may use. */
export interface CheckContext {
  /** Aborted when the check's `timeout_ms` runs out or the agent stops. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** What a check found. A check that could not reach its target either returns `down` or throws. */
export interface CheckOutput {
  status: 'up' | 'down';
  error?: string;
  /** The figure of the run (connect, response, answer time, average round trip). */
  response_ms?: number;
  /** Short facts for the device page (`status_code`, `cert_issuer`, `answers`). */
  facts?: Record<string, string | number | boolean>;
  /** Metric values by the names the kind's protocol spec lists (units come from there). */
  metrics?: Record<string, number | undefined>;
}

/**
 * One check kind as the agent runs it: a plain object whose `run` resolves to what it found or throws a
 * descriptive error. Timeouts, scheduling, samples and events belong to the runner (./runner.ts).
 */
export interface CheckUnit<P = unknown> {
  kind: string;
  run(params: P, ctx: CheckContext): Promise<CheckOutput>;
}

/** A check failure with a message fit for the device page. */
export class CheckError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckError';
  }
}

/** Milliseconds since `start` (a `performance.now()` reading), to 0.01 ms. */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}
