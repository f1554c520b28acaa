import { CommandError, defineCommand } from './types.js';

/**
 * `upgrade {version, path, release, confirm_s}`: installs a signed release beside the running version and
 * restarts into it (agent/README.md, "Fleet upgrades"). The result says what happened; a refusal (signature,
 * checksum, Node.js version, a downgrade) fails the job with the reason and changes nothing.
 */
export const upgrade = defineCommand({
  type: 'upgrade',
  async run(job, ctx) {
    if (!ctx.upgrade) throw new CommandError('unsupported', 'fleet upgrades are not available on this agent');
    try {
      return await ctx.upgrade(job.args, job);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'failed';
      throw new CommandError(code, (err as Error).message);
    }
  },
});
