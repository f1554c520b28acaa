import { awaitTarget } from './await-target.js';
import { CommandError, defineCommand } from './types.js';

/** `walk {device_id, oid, max_rows}`: the subtree's rows as job log lines, bounded by max_rows, with progress. */
export const walk = defineCommand({
  type: 'walk',
  async run(job, ctx) {
    const device = await awaitTarget(
      ctx,
      job,
      () => ctx.device(job.args.device_id),
      `device ${job.args.device_id}`,
    );
    if (!device)
      throw new CommandError('not_found', `device ${job.args.device_id} is not in this agent's config`);
    if (!ctx.poller) throw new CommandError('unsupported', 'SNMP polling is not available on this agent');
    const maxRows = job.args.max_rows;
    const oid = job.args.oid.replace(/^\./, '');
    job.log(`walking ${oid} on ${device.name} (${device.ip_address}), at most ${maxRows} rows`);
    let rows = 0;
    const stats = await ctx.poller.walk(
      device,
      oid,
      (row) => {
        rows++;
        job.log(`${row.oid} = ${row.type}: ${row.value}`);
        // The subtree's size is unknown in advance: progress is measured against the row bound.
        if (rows % 50 === 0) job.progress(Math.min(99, (rows / maxRows) * 100));
      },
      { maxRows, signal: job.signal },
    );
    if (stats.truncated) job.log(`stopped after ${maxRows} rows (max_rows)`, 'warn');
    return { rows: stats.rows, truncated: stats.truncated };
  },
});
