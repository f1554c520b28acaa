import type { CommandContext, Job } from './types.js';

/** How long a command waits for its device or camera to arrive in the agent's config. */
export const TARGET_WAIT_MS = 15_000;

/**
 * The device or camera a command is about. One created a moment ago may not be in this agent's config yet:
 * the hub pushes config a fraction of a second after a change, and a job sent right after (an operator's
 * "save and test") can overtake it. So a missing target waits for the next config, up to `waitMs`.
 */
export async function awaitTarget<T>(
  ctx: CommandContext,
  job: Job<unknown>,
  find: () => T | undefined,
  what: string,
  waitMs = TARGET_WAIT_MS,
): Promise<T | undefined> {
  let found = find();
  if (found !== undefined || !ctx.nextConfig) return found;
  job.log(
    `${what} is not in this agent's config yet; waiting up to ${waitMs / 1000} s for the hub's next config`,
  );
  const deadline = Date.now() + waitMs;
  while (found === undefined && Date.now() < deadline && !job.signal.aborted) {
    if (!(await ctx.nextConfig(deadline - Date.now(), job.signal))) break;
    found = find();
  }
  return found;
}
