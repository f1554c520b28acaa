import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import mqtt from 'mqtt';
import { createCheckRunner } from '../../checks/runner.js';
import { loadSettings } from '../../config.js';
import { DATA_FILES, type Identity, readPersistedConfig, requireIdentity } from '../../identity.js';
import { safeUrl } from '../../link/mqtt-link.js';
import { preferredBrokerUrl } from '../../link/stream.js';
import { silentLogger } from '../../logger.js';
import { readOutboxStats } from '../../outbox/sqlite.js';
import { loadPoller, loadProber } from '../../runtime/plugins.js';
import { siteCommunities } from '../../snmp/site-communities.js';
import { processAlive, readStateFile } from '../../state/state.js';

export type Verdict = 'ok' | 'warn' | 'fail';
export interface Finding {
  verdict: Verdict;
  check: string;
  detail: string;
}

async function checkHub(identity: Identity, timeoutMs: number): Promise<Finding> {
  const url = new URL(
    'api/v1/health',
    identity.hub_url.endsWith('/') ? identity.hub_url : `${identity.hub_url}/`,
  );
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok)
      return {
        verdict: 'ok',
        check: 'hub',
        detail: `${safeUrl(identity.hub_url)} answers (HTTP ${res.status})`,
      };
    return {
      verdict: 'fail',
      check: 'hub',
      detail: `${safeUrl(url.href)} answered HTTP ${res.status}; the hub is up but unhealthy or this is not the hub URL`,
    };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const why =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : (cause ?? (err as Error).message);
    return {
      verdict: 'fail',
      check: 'hub',
      detail: `cannot reach the hub at ${safeUrl(identity.hub_url)}: ${why}; check the network, DNS and firewall`,
    };
  }
}

async function checkBroker(identity: Identity, dir: string, timeoutMs: number): Promise<Finding> {
  const url = safeUrl(preferredBrokerUrl(identity.mqtt_urls));
  const state = readStateFile(dir);
  // The broker allows one connection per agent id: testing it while the service runs would cut the service off.
  if (state && state.stopped_at === undefined && processAlive(state.pid)) {
    const l = state.link;
    if (l.state === 'online')
      return {
        verdict: 'ok',
        check: 'broker',
        detail: `the running agent (pid ${state.pid}) is connected to ${url}`,
      };
    return {
      verdict: 'fail',
      check: 'broker',
      detail: `the running agent (pid ${state.pid}) is not connected to ${url}${l.lastError ? `: ${l.lastError}` : ''}`,
    };
  }
  return new Promise<Finding>((resolve) => {
    const client = mqtt.connect(preferredBrokerUrl(identity.mqtt_urls), {
      clientId: identity.agent_id,
      username: identity.agent_id,
      password: identity.secret,
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
    });
    const done = (f: Finding) => {
      client.end(true);
      resolve(f);
    };
    client.on('connect', () =>
      done({ verdict: 'ok', check: 'broker', detail: `connected to ${url} with this agent's credentials` }),
    );
    client.on('error', (err) => {
      const code = (err as { code?: number | string }).code;
      if (code === 4 || code === 5 || code === 134 || code === 135) {
        done({
          verdict: 'fail',
          check: 'broker',
          detail: `the broker at ${url} refused this agent's credentials (${err.message}); the agent may have been revoked: enroll it again`,
        });
      } else
        done({
          verdict: 'fail',
          check: 'broker',
          detail: `cannot connect to the broker at ${url}: ${err.message}`,
        });
    });
    client.on('close', () =>
      done({
        verdict: 'fail',
        check: 'broker',
        detail: `cannot connect to the broker at ${url}: connection closed (port blocked or wrong URL?)`,
      }),
    );
  });
}

/** Runs every check; never throws. */
export async function diagnose(
  dataDir: string,
  snmpMaxInFlight: number,
  timeoutMs = 5_000,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  let identity: Identity;
  try {
    identity = requireIdentity(dataDir);
    findings.push({
      verdict: 'ok',
      check: 'identity',
      detail: `enrolled as agent ${identity.agent_id} (site ${identity.site_id})`,
    });
  } catch (err) {
    return [{ verdict: 'fail', check: 'identity', detail: (err as Error).message }];
  }
  try {
    fs.accessSync(dataDir, fs.constants.W_OK);
    findings.push({ verdict: 'ok', check: 'data directory', detail: `${dataDir} is writable` });
  } catch {
    findings.push({
      verdict: 'fail',
      check: 'data directory',
      detail: `${dataDir} is not writable by this user; run as the service user (sudo -u outpost-agent ...)`,
    });
  }
  findings.push(await checkHub(identity, timeoutMs));
  findings.push(await checkBroker(identity, dataDir, timeoutMs));
  const dbFile = path.join(dataDir, DATA_FILES.outbox);
  if (fs.existsSync(dbFile)) {
    const o = readOutboxStats(dbFile);
    if (o.totalDropped > 0)
      findings.push({
        verdict: 'warn',
        check: 'outbox',
        detail: `${o.totalDropped} results were dropped because the outbox was full while the hub was unreachable; raise outbox_max_bytes if outages last this long`,
      });
    else findings.push({ verdict: 'ok', check: 'outbox', detail: `${o.rows} rows waiting, nothing dropped` });
  }
  let config: ReturnType<typeof readPersistedConfig> = null;
  try {
    config = readPersistedConfig(dataDir);
  } catch (err) {
    findings.push({ verdict: 'fail', check: 'config', detail: (err as Error).message });
  }
  if (!config)
    findings.push({
      verdict: 'warn',
      check: 'config',
      detail:
        'no config received from the hub yet: add devices to this site on the hub, and check the broker connection',
    });
  else
    findings.push({
      verdict: 'ok',
      check: 'config',
      detail: `version ${config.version}: ${config.devices.length} devices, ${config.cameras.length} cameras`,
    });

  if (config && config.devices.length > 0) {
    const poller = loadPoller(snmpMaxInFlight, silentLogger);
    try {
      const site = siteCommunities(config);
      const context = { siteCredentials: () => site };
      const results = await Promise.all(
        config.devices.map(async (d) => ({ d, r: await poller.poll(d, context) })),
      );
      for (const { d, r } of results) {
        const state = r.events.find((e) => e.type === 'device_state') as
          | { status?: string; error?: string; sys?: { name?: string } }
          | undefined;
        const label = `device ${d.id} ${d.name} (${d.ip_address}:${d.port}, SNMP v${d.snmp.version})`;
        if (state?.status === 'online')
          findings.push({
            verdict: 'ok',
            check: 'snmp',
            detail: `${label} answers${state.sys?.name ? ` as ${state.sys.name}` : ''}`,
          });
        else if (state?.status === 'auth_failed')
          findings.push({
            verdict: 'fail',
            check: 'snmp',
            detail: `${label} refuses the credentials: ${state.error ?? 'authentication failed'}; check the community or v3 user and keys on the hub`,
          });
        else
          findings.push({
            verdict: 'fail',
            check: 'snmp',
            detail: `${label} does not answer: ${state?.error ?? 'no response'}; check the address, that SNMP is enabled and that UDP ${d.port} is allowed from this machine`,
          });
      }
    } finally {
      poller.close();
    }
  }
  if (config && config.cameras.length > 0) {
    const prober = await loadProber(silentLogger);
    if (!prober)
      findings.push({
        verdict: 'warn',
        check: 'rtsp',
        detail: 'this agent has no camera prober; cameras are not checked',
      });
    else {
      for (const c of config.cameras) {
        const r = await prober.probe(c);
        const state = r.events.find((e) => e.type === 'camera_state') as
          | { status?: string; reason?: string }
          | undefined;
        const label = `camera ${c.id} ${c.name} (${c.rtsp_url})`;
        if (state?.status === 'online')
          findings.push({ verdict: 'ok', check: 'rtsp', detail: `${label} streams` });
        else if (state?.status === 'degraded')
          findings.push({
            verdict: 'warn',
            check: 'rtsp',
            detail: `${label} is degraded: ${state.reason ?? ''}`,
          });
        else
          findings.push({
            verdict: 'fail',
            check: 'rtsp',
            detail: `${label} is ${state?.status ?? 'unreachable'}: ${state?.reason ?? 'no answer'}`,
          });
      }
      await prober.close?.();
    }
  }
  if (config && (config.checks ?? []).length > 0) {
    const runner = createCheckRunner();
    const results = await Promise.all(config.checks.map(async (c) => ({ c, r: await runner.run(c) })));
    for (const { c, r } of results) {
      const state = r.events.find((e) => e.type === 'check_state') as
        | { status?: string; error?: string; response_ms?: number }
        | undefined;
      const label = `check ${c.id} ${c.name} (${c.kind} ${runner.target(c)})`;
      findings.push(
        state?.status === 'up'
          ? {
              verdict: 'ok',
              check: 'checks',
              detail: `${label} is up${state.response_ms !== undefined ? `, ${state.response_ms} ms` : ''}`,
            }
          : { verdict: 'fail', check: 'checks', detail: `${label} is down: ${state?.error ?? 'no result'}` },
      );
    }
  }
  const ffmpeg = spawnSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8', timeout: timeoutMs });
  if (ffmpeg.status === 0)
    findings.push({
      verdict: 'ok',
      check: 'ffmpeg',
      detail: (ffmpeg.stdout.split('\n')[0] ?? 'ffmpeg').trim(),
    });
  else
    findings.push({
      verdict: config && config.cameras.length > 0 ? 'fail' : 'warn',
      check: 'ffmpeg',
      detail: 'ffmpeg is not installed: camera fps, bitrate and snapshots need it (sudo apt install ffmpeg)',
    });
  return findings;
}

const MARK: Record<Verdict, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** `outpost-agent doctor`. */
export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'check the hub URL, the broker, every device (SNMP), camera (RTSP) and check, and ffmpeg; exits non-zero on a problem',
    )
    .option('--data <dir>', 'data directory (default: /var/lib/outpost-agent when it exists, else ./data)')
    .option('--config <file>', 'settings file')
    .option('--timeout <ms>', 'timeout of each network check', '5000')
    .option('--json', 'print JSON')
    .action(async (opts: { data?: string; config?: string; json?: boolean; timeout: string }) => {
      try {
        const settings = loadSettings(opts);
        const timeout = Number(opts.timeout);
        if (!Number.isInteger(timeout) || timeout < 100)
          throw new Error(`--timeout: must be an integer >= 100, got "${opts.timeout}"`);
        const findings = await diagnose(settings.dataDir, settings.snmpMaxInFlight, timeout);
        const failed = findings.filter((f) => f.verdict === 'fail').length;
        if (opts.json) process.stdout.write(`${JSON.stringify({ ok: failed === 0, findings }, null, 2)}\n`);
        else {
          for (const f of findings)
            process.stdout.write(`${MARK[f.verdict]}  ${f.check.padEnd(15)} ${f.detail}\n`);
          process.stdout.write(failed === 0 ? '\nNo problem found.\n' : `\n${failed} problem(s) found.\n`);
        }
        process.exitCode = failed === 0 ? 0 : 1;
      } catch (err) {
        process.stderr.write(`outpost-agent doctor: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
