import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tokenService } from '../hub/src/api/app.js';
import type { HubConfig } from '../hub/src/config.js';
import { parseConfig } from '../hub/src/config-load.js';
import { createEnrollmentToken } from '../hub/src/link/enrollment.js';
import { type RunningHub, startHub } from '../hub/src/server.js';
import { agentEnv, enrollAgent, enrolledAgentId, type LocalAgent, runAgent } from './local-agent.js';
import { checkPorts } from './ports.js';

/** Defaults of the all-in-one mode; OUTPOST_* variables (and a config file) still override them. */
const ALL_IN_ONE_DEFAULTS = { dataDir: './data', logLevel: 'warn' };

export interface AllInOneOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the friendly lines go (default stdout). */
  say?: (line: string) => void;
  /** More defaults (hub config keys); OUTPOST_* variables still override them. */
  defaults?: Record<string, unknown>;
}

export interface AllInOne {
  hub: RunningHub;
  agent: LocalAgent;
  config: HubConfig;
  /** The dashboard URL to open in a browser. */
  url: string;
  siteId: number;
  agentId: string;
  /** Calls the hub's API as the first admin (a fresh short-lived token per call). */
  api<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T>;
  /** Stops the agent, then the hub. `signalled`: the process group got a signal (see LocalAgent.stop). */
  close(opts?: { signalled?: boolean }): Promise<void>;
}

/** A refusal or failure at start, printed as is (one line per problem) without a stack trace. */
export class StartError extends Error {}

function dashboardUrl(config: HubConfig, bound: string): string {
  if (config.publicUrl) return config.publicUrl;
  const port = new URL(bound).port;
  return config.host === '0.0.0.0' || config.host === '::' ? `http://localhost:${port}/` : `${bound}/`;
}

/** The first admin (the API caller of the all-in-one mode). */
async function adminUser(hub: RunningHub) {
  const row = (await hub.ctx.store.users.list()).find((u) => u.role === 'admin' && u.disabled === 0);
  if (!row)
    throw new StartError('no active admin user in this data directory; add one with `outpost-hub user add`');
  return row;
}

/**
 * The hub (embedded broker, SQLite in ./data) plus an agent on this machine enrolled into a site named after
 * the host. Restart-safe: a second start reuses the data directory, the site and the agent's enrollment.
 */
export async function startAllInOne(opts: AllInOneOptions = {}): Promise<AllInOne> {
  const env = opts.env ?? process.env;
  const say = opts.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  let config: HubConfig;
  try {
    config = parseConfig({ file: { ...ALL_IN_ONE_DEFAULTS, ...opts.defaults } }, env);
  } catch (err) {
    throw new StartError((err as Error).message);
  }
  const problems = await checkPorts([
    { what: 'HTTP', port: config.httpPort, host: config.host, env: 'OUTPOST_HTTP_PORT', flag: '--http-port' },
    { what: 'MQTT', port: config.mqttPort, host: config.host, env: 'OUTPOST_MQTT_PORT', flag: '--mqtt-port' },
  ]);
  if (problems.length) throw new StartError(problems.join('\n'));
  fs.mkdirSync(config.dataDir, { recursive: true });
  let password: string | undefined;
  let passwordFile: string | undefined;
  const hub = await startHub(config, {
    onInitialPassword(p, file) {
      password = p;
      passwordFile = file;
    },
  });
  try {
    const admin = await adminUser(hub);
    const tokens = tokenService(hub.ctx);
    const api = async <T>(method: string, apiPath: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${hub.url}/api/v1${apiPath}`, {
        method,
        headers: {
          authorization: `Bearer ${await tokens.signAccess(admin)}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      const data = text ? JSON.parse(text) : undefined;
      if (!res.ok)
        throw new Error(`${method} ${apiPath}: HTTP ${res.status}: ${data?.error?.message ?? text}`);
      return data as T;
    };

    const siteName = (env.OUTPOST_SITE_NAME || os.hostname() || 'local').slice(0, 200);
    const siteId =
      (await hub.ctx.store.sites.byName(siteName))?.id ??
      (
        await api<{ id: number }>('POST', '/sites', {
          name: siteName,
          notes: 'Created by npm start (all-in-one mode)',
        })
      ).id;

    const agentDir = path.resolve(config.dataDir, 'agent');
    const childEnv = agentEnv(env, env.OUTPOST_AGENT_LOG_LEVEL || 'warn');
    let agentId = enrolledAgentId(agentDir);
    const known = agentId ? await hub.ctx.store.agents.get(agentId) : undefined;
    if (agentId && (!known || known.revoked_at !== null)) {
      // The hub no longer knows this agent (new hub database, or revoked): enroll afresh, keep the old data.
      const aside = `${agentDir}.stale-${Date.now()}`;
      fs.renameSync(agentDir, aside);
      say(`The local agent ${agentId} is unknown to this hub or revoked; its old data moved to ${aside}.`);
      agentId = undefined;
    }
    if (!agentId) {
      const { token } = await createEnrollmentToken(hub.ctx.store, {
        site_id: siteId,
        ttl_ms: 10 * 60_000,
        created_by: admin.id,
        now: hub.ctx.clock(),
      });
      await enrollAgent({ dataDir: agentDir, hubUrl: hub.url, token, env: childEnv });
      agentId = enrolledAgentId(agentDir);
      if (!agentId) throw new StartError(`enrollment wrote no identity in ${agentDir}`);
    }
    const agent = runAgent({ dataDir: agentDir, env: childEnv, log: (line) => say(`[agent] ${line}`) });

    const url = dashboardUrl(config, hub.url);
    say('');
    say(`Outpost is running: open ${url}`);
    if (password) {
      say('');
      say(`First start: log in as "admin" with the password:  ${password}`);
      say(`(also in ${passwordFile}; change it from the dashboard, then delete that file)`);
    } else {
      say(
        'Log in as "admin" (the first start printed the password; reset it with `outpost-hub user passwd admin`).',
      );
    }
    say(`Site "${siteName}" with the local agent ${agentId}. Data in ${path.resolve(config.dataDir)}.`);
    say(
      `MQTT broker on port ${hub.parts.link.ports.current?.mqttPort ?? config.mqttPort}. Stop with Ctrl+C.`,
    );
    say('');

    let closing: Promise<void> | undefined;
    return {
      hub,
      agent,
      config,
      url,
      siteId,
      agentId,
      api,
      close(closeOpts = {}) {
        closing ??= (async () => {
          await agent.stop({ signalled: closeOpts.signalled });
          await hub.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await hub.close();
    throw err;
  }
}
