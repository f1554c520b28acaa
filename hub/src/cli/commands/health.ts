import { Command } from 'commander';
import type { HubConfig } from '../../config.js';
import { addConfigOptions, configFromOptions, exitOnError } from '../options.js';

/** The health URL of the hub that `config` describes, reached from the same machine. */
export function localHealthUrl(config: Pick<HubConfig, 'host' | 'httpPort' | 'httpTlsCert'>): string {
  let host = config.host;
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1';
  else if (host === '::') host = '::1';
  if (host.includes(':')) host = `[${host}]`;
  return `${config.httpTlsCert ? 'https' : 'http'}://${host}:${config.httpPort}/api/v1/health`;
}

/** What `outpost-hub health` prints and exits with for a health answer (or a failed request). */
export function healthVerdict(
  url: string,
  answer: { status: number; body: unknown } | { error: string },
): { ok: boolean; line: string } {
  if ('error' in answer) return { ok: false, line: `unhealthy: ${url}: ${answer.error}` };
  const body = (answer.body ?? {}) as {
    status?: string;
    version?: string;
    db?: { ok?: boolean; error?: string };
    checks?: Record<string, { ok?: boolean; detail?: string }>;
  };
  const failing = [
    ...(body.db && !body.db.ok ? [`db: ${body.db.error ?? 'failing'}`] : []),
    ...Object.entries(body.checks ?? {})
      .filter(([, c]) => !c.ok)
      .map(([name, c]) => `${name}: ${c.detail ?? 'failing'}`),
  ];
  if (answer.status === 200 && body.status === 'ok') {
    // The version (and what fails) is only told to a caller with a token: see metricsToken.
    return { ok: true, line: `ok: hub ${body.version ? `${body.version} ` : ''}at ${url}` };
  }
  const why = failing.length
    ? failing.join('; ')
    : `HTTP ${answer.status}, status ${body.status ?? 'unknown'}`;
  return { ok: false, line: `unhealthy: ${url}: ${why}` };
}

/**
 * `outpost-hub health`: asks a running hub for /api/v1/health (for container health checks and scripts). With
 * `metricsToken` configured it sends it, and so gets (and prints) the version and each failing check.
 */
export function healthCommand(): Command {
  const cmd = new Command('health')
    .description(
      'ask the running hub for /api/v1/health; exit 0 when healthy, 1 otherwise (container health checks); ' +
        'with metricsToken set (OUTPOST_METRICS_TOKEN) it also prints the version and what fails',
    )
    .option('--url <url>', 'health URL (default: this machine, the configured HTTP host and port)')
    .option('--timeout <ms>', 'give up after this many milliseconds', '5000');
  addConfigOptions(cmd, ['httpPort', 'host', 'httpTlsCert']).action(async (opts: Record<string, unknown>) => {
    let url: string;
    let timeoutMs: number;
    let token: string | undefined;
    try {
      const config = configFromOptions(opts);
      token = config.metricsToken;
      url = typeof opts.url === 'string' ? opts.url : localHealthUrl(config);
      timeoutMs = Number(opts.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
        throw new Error('--timeout: give a whole number of milliseconds from 1 to 600000');
      }
      if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
        throw new Error(`--url: ${url} is not an http:// or https:// URL`);
      }
    } catch (err) {
      exitOnError(err, 2);
    }
    let answer: { status: number; body: unknown } | { error: string };
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      answer = { status: res.status, body: await res.json().catch(() => undefined) };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      answer = { error: e.cause?.code ?? e.message };
    }
    const verdict = healthVerdict(url, answer);
    process.stdout.write(`${verdict.line}\n`);
    process.exit(verdict.ok ? 0 : 1);
  });
  return cmd;
}
