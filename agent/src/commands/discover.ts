import type { DiscoveredHost } from '@outpost/protocol';
import { CommandError, defineCommand } from './types.js';

/** Hosts per `running` result, and their JSON size at most: well under the result size limit. */
const HOSTS_PER_MESSAGE = 100;
const BYTES_PER_MESSAGE = 96 * 1024;

/**
 * `discover {cidrs, ports, credential_set_ids, rate_pps, concurrency, ...}`: sweeps the ranges with the
 * credential sets of the config and streams the hosts found as `running` results; the summary is the result.
 * The sweep's code loads with the first discover command.
 */
export const discover = defineCommand({
  type: 'discover',
  async run(job, ctx) {
    const { credentialsFor, runDiscovery } = await import('../discovery/index.js');
    const creds = credentialsFor(job.args, ctx.config()?.credential_sets ?? []);
    if ('missing' in creds)
      throw new CommandError(
        'not_found',
        `credential set ${creds.missing} is not in this agent's config (yet): the hub sends it with the site's config`,
      );
    if (creds.snmp.length === 0)
      job.log('no SNMP credentials to try: SNMP devices are found by ping and ports only', 'warn');
    let pending: DiscoveredHost[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pending.length > 0) job.partial({ hosts: pending });
      pending = [];
      pendingBytes = 0;
    };
    const ticker = setInterval(flush, 500);
    ticker.unref();
    try {
      const summary = await runDiscovery(
        job.args,
        creds,
        {
          host: (h) => {
            const bytes = JSON.stringify(h).length;
            if (pending.length >= HOSTS_PER_MESSAGE || pendingBytes + bytes > BYTES_PER_MESSAGE) flush();
            pending.push(h);
            pendingBytes += bytes;
            job.log(`${h.ip}: ${describeHost(h)}`);
          },
          progress: (p) => job.progress(p),
          log: (line, level) => job.log(line, level ?? 'info'),
        },
        job.signal,
      );
      flush();
      return summary;
    } finally {
      clearInterval(ticker);
      pending = [];
    }
  },
});

/** One line per host for the job's log: what it is and how it answered. Never a credential. */
export function describeHost(h: DiscoveredHost): string {
  const what = [h.guess.vendor, h.guess.type === 'other' ? undefined : h.guess.type.replace('_', ' ')]
    .filter(Boolean)
    .join(' ');
  const parts = [
    what || 'a host',
    h.snmp?.sys.name ? `"${h.snmp.sys.name}"` : undefined,
    `(${h.seen_by.join(', ')})`,
  ];
  if (h.snmp)
    parts.push(
      `SNMP v${h.snmp.version}${h.snmp.credential_id ? ` with credential ${h.snmp.credential_id}` : ''}`,
    );
  if (h.snmp_no_credential) parts.push('SNMP answers but no credential was accepted');
  if (h.mac) parts.push(h.mac);
  return parts.filter(Boolean).join(' ');
}
