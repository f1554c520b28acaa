import { Command } from 'commander';
import { createContext } from '../../context.js';
import { agentEndpoints, createEnrollmentToken, parseTtl } from '../../link/enrollment.js';
import { addConfigOptions, configFromOptions, exitOnError, STORE_KEYS } from '../options.js';

/** `outpost-hub token create --site NAME [--ttl 24h]`: a one-time enrollment token for an agent. */
export function tokenCommand(): Command {
  const cmd = new Command('token').description('agent enrollment tokens');
  const create = new Command('create')
    .description('create a one-time enrollment token bound to a site (the site is created when missing)')
    .requiredOption('--site <name>', 'site the agent will belong to')
    .option('--ttl <duration>', 'lifetime: 30m, 24h, 7d (1 minute to 30 days)', '24h');
  addConfigOptions(create, [...STORE_KEYS, 'httpPort']);
  create.action(async (opts: Record<string, unknown>) => {
    try {
      const config = configFromOptions(opts);
      const ttlMs = parseTtl(String(opts.ttl));
      const site = String(opts.site).trim();
      if (!site || site.length > 200) throw new Error('--site: give a site name of 1 to 200 characters');
      const ctx = await createContext({ ...config, logLevel: 'silent' }, { processMetrics: false });
      try {
        const now = ctx.clock();
        let found = await ctx.store.sites.byName(site);
        if (!found) {
          found = await ctx.store.sites.insert({ name: site }, now);
          process.stderr.write(`created site "${site}" (id ${found.id})\n`);
        }
        const t = await createEnrollmentToken(ctx.store, {
          site_id: found.id,
          ttl_ms: ttlMs,
          created_by: null,
          now,
        });
        const hubUrl = agentEndpoints(config, `http://127.0.0.1:${config.httpPort}`, {
          mqttPort: config.mqttPort,
        }).hub_url;
        process.stdout.write(
          `${t.token}\n\nSite "${found.name}", expires ${new Date(t.expires_at).toISOString()}. On the agent's machine run:\n\n` +
            `    outpost-agent enroll --hub ${hubUrl} --token ${t.token}\n\n` +
            (config.publicUrl
              ? ''
              : 'Replace the hub URL with the address agents reach (or set publicUrl).\n'),
        );
      } finally {
        await ctx.store.close();
      }
    } catch (err) {
      exitOnError(err);
    }
  });
  cmd.addCommand(create);
  return cmd;
}
