import {
  type DeviceConfig,
  DeviceConfigSchema,
  type KnownEvent,
  type Sample,
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
} from '@outpost/protocol';
import { Command, Option } from 'commander';
import { createSnmpPoller, fpingProbe, type PollResult, PROFILES } from '../../snmp/index.js';

export interface PollFlags {
  ip?: string;
  port?: string;
  snmpVersion?: string;
  community?: string;
  v3User?: string;
  v3Level?: string;
  authProtocol?: string;
  authKey?: string;
  privProtocol?: string;
  privKey?: string;
  context?: string;
  profile?: string[];
  timeout?: string;
  retries?: string;
  interval?: string;
  json?: boolean;
}

/** Which flag (or environment variable) sets each field of the device config, for error messages. */
const FLAG_OF: Record<string, string> = {
  ip_address: '--ip',
  port: '--port',
  'snmp.version': '--snmp-version',
  'snmp.community': '--community (or OUTPOST_SNMP_COMMUNITY)',
  'snmp.username': '--v3-user',
  'snmp.security_level': '--v3-level',
  'snmp.auth_protocol': '--auth-protocol',
  'snmp.auth_key': '--auth-key (or OUTPOST_SNMP_AUTH_KEY)',
  'snmp.priv_protocol': '--priv-protocol',
  'snmp.priv_key': '--priv-key (or OUTPOST_SNMP_PRIV_KEY)',
  'snmp.context': '--context',
  timeout_ms: '--timeout',
  retries: '--retries',
  profiles: '--profile',
};

const intOf = (s: string | undefined) =>
  s === undefined ? undefined : /^\d+$/.test(s) ? Number(s) : Number.NaN;

/**
 * Turns the flags of `outpost-agent poll` (and OUTPOST_SNMP_* secrets from the environment) into a device config,
 * or an error naming the flag. Secrets never appear in the error.
 */
export function deviceFromFlags(
  f: PollFlags,
  env: NodeJS.ProcessEnv = {},
): { ok: true; device: DeviceConfig; intervalS: number } | { ok: false; error: string } {
  const community = f.community ?? env.OUTPOST_SNMP_COMMUNITY;
  const authKey = f.authKey ?? env.OUTPOST_SNMP_AUTH_KEY;
  const privKey = f.privKey ?? env.OUTPOST_SNMP_PRIV_KEY;
  if (!f.ip) return { ok: false, error: '--ip is required' };
  const isV3 = f.v3User !== undefined || f.v3Level !== undefined || f.snmpVersion === '3';
  if (isV3 && f.community !== undefined)
    return {
      ok: false,
      error: '--community is for SNMP v1/v2c; with --v3-user give --auth-key/--priv-key instead',
    };
  if (!isV3 && (f.authKey !== undefined || f.privKey !== undefined || f.authProtocol || f.privProtocol))
    return { ok: false, error: 'v3 flags (--auth-*, --priv-*) need --v3-user' };
  let snmp: Record<string, unknown>;
  if (isV3) {
    if (!f.v3User) return { ok: false, error: '--v3-user is required for SNMPv3' };
    const level = f.v3Level ?? (privKey ? 'authPriv' : authKey ? 'authNoPriv' : 'noAuthNoPriv');
    snmp = {
      version: '3',
      username: f.v3User,
      security_level: level,
      ...(level !== 'noAuthNoPriv' ? { auth_protocol: f.authProtocol ?? 'sha', auth_key: authKey } : {}),
      ...(level === 'authPriv' ? { priv_protocol: f.privProtocol ?? 'aes', priv_key: privKey } : {}),
      ...(f.context ? { context: f.context } : {}),
    };
  } else {
    if (!community)
      return { ok: false, error: 'give --community (or OUTPOST_SNMP_COMMUNITY), or --v3-user for SNMPv3' };
    const version = f.snmpVersion ?? '2c';
    if (version !== '1' && version !== '2c')
      return { ok: false, error: `--snmp-version must be 1, 2c or 3, got "${version}"` };
    snmp = { version, community };
  }
  const unknown = (f.profile ?? []).filter((p) => !PROFILES.has(p));
  if (unknown.length > 0)
    return {
      ok: false,
      error: `--profile: unknown profile "${unknown[0]}" (known: ${[...PROFILES.keys()].join(', ')})`,
    };
  const intervalS = intOf(f.interval) ?? 0;
  if (!Number.isInteger(intervalS) || intervalS > 3600)
    return { ok: false, error: '--interval must be whole seconds between 0 and 3600' };
  const raw = {
    id: 1,
    name: f.ip,
    ip_address: f.ip,
    port: intOf(f.port),
    snmp,
    timeout_ms: intOf(f.timeout),
    retries: intOf(f.retries),
    profiles: f.profile ?? [],
  };
  const parsed = DeviceConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    const flag = FLAG_OF[key] ?? FLAG_OF[issue.path.slice(0, 1).join('.')] ?? key;
    // zod messages describe the rule, never echo the value, so no secret leaks here.
    return { ok: false, error: `${flag}: ${issue.message}` };
  }
  return { ok: true, device: parsed.data, intervalS };
}

function formatValue(s: Sample): string {
  const v = Number.isInteger(s.value) ? String(s.value) : s.value.toFixed(2);
  return s.unit ? `${v} ${s.unit}` : v;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The result of one poll as text: the device state, errors, then one row per sample. */
export function formatPoll(device: DeviceConfig, result: PollResult): string {
  const lines: string[] = [];
  const state = result.events.find(
    (e): e is Extract<KnownEvent, { type: 'device_state' }> => e.type === 'device_state',
  );
  lines.push(
    `${device.ip_address}:${device.port}  ${state?.status ?? 'unknown'}${state?.error ? `: ${state.error}` : ''}`,
  );
  if (state?.sys) {
    const s = state.sys;
    const descr = s.descr?.split(/\r?\n/)[0];
    for (const [k, v] of [
      ['name', s.name],
      ['descr', descr],
      ['object id', s.object_id],
      ['uptime', s.uptime_s === undefined ? undefined : `${s.uptime_s} s`],
      ['location', s.location],
      ['contact', s.contact],
    ] as [string, string | undefined][])
      if (v) lines.push(`  ${k.padEnd(10)} ${v}`);
  }
  for (const e of result.events) if (e.type === 'error') lines.push(`  error: ${e.message}`);
  if (result.samples.length > 0) {
    const ifIdx = (s: Sample) => Number(s.labels?.if_index ?? -1);
    const sorted = [...result.samples].sort(
      (a, b) => ifIdx(a) - ifIdx(b) || a.metric.localeCompare(b.metric),
    );
    const rows = [['METRIC', 'LABELS', 'VALUE']];
    for (const s of sorted) {
      const labels = Object.entries(s.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      rows.push([s.metric, labels, formatValue(s)]);
    }
    lines.push('', table(rows));
  }
  return `${lines.join('\n')}\n`;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `outpost-agent poll`: one poll of one device, printed, without a hub. */
export function pollCommand(): Command {
  return new Command('poll')
    .description('poll one SNMP device once and print the result (field debugging; needs no hub)')
    .requiredOption('--ip <address>', 'device IPv4 or IPv6 address')
    .option('--port <n>', 'UDP port', '161')
    .addOption(new Option('--snmp-version <v>', 'SNMP version').choices(['1', '2c', '3']))
    .option('--community <c>', 'v1/v2c community (or set OUTPOST_SNMP_COMMUNITY to keep it out of ps)')
    .option('--v3-user <name>', 'SNMPv3 user name')
    .addOption(
      new Option('--v3-level <level>', 'SNMPv3 security level (default from the keys given)').choices([
        'noAuthNoPriv',
        'authNoPriv',
        'authPriv',
      ]),
    )
    .addOption(
      new Option('--auth-protocol <p>', 'SNMPv3 auth protocol (default sha)').choices([
        ...SNMP_AUTH_PROTOCOLS,
      ]),
    )
    .option('--auth-key <key>', 'SNMPv3 auth passphrase (or OUTPOST_SNMP_AUTH_KEY)')
    .addOption(
      new Option('--priv-protocol <p>', 'SNMPv3 privacy protocol (default aes)').choices([
        ...SNMP_PRIV_PROTOCOLS,
      ]),
    )
    .option('--priv-key <key>', 'SNMPv3 privacy passphrase (or OUTPOST_SNMP_PRIV_KEY)')
    .option('--context <name>', 'SNMPv3 context name')
    .option('--profile <name>', 'profile to poll, repeatable (default: chosen from sysObjectID)', collect)
    .option('--timeout <ms>', 'request timeout in milliseconds', '2000')
    .option('--retries <n>', 'retries per request', '1')
    .option('--interval <s>', 'poll twice, this many seconds apart, to show rates', '0')
    .option('--json', 'print the samples and events as JSON')
    .action(async (flags: PollFlags, cmd: Command) => {
      const parsed = deviceFromFlags(flags, process.env);
      if (!parsed.ok) cmd.error(`error: ${parsed.error}`, { exitCode: 2 });
      const { device, intervalS } = parsed as Extract<typeof parsed, { ok: true }>;
      // A ping tells a host that is up but silent to SNMP from a dead one, when the device times out.
      const poller = createSnmpPoller({ maxInFlight: 8, ping: fpingProbe({ warn() {}, debug() {} }) });
      try {
        let result = await poller.poll(device);
        if (intervalS > 0) {
          await new Promise((r) => setTimeout(r, intervalS * 1000));
          result = await poller.poll(device);
        }
        process.stdout.write(
          flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatPoll(device, result),
        );
        const state = result.events.find((e) => e.type === 'device_state');
        process.exitCode = state?.type === 'device_state' && state.status === 'online' ? 0 : 3;
      } finally {
        poller.close();
      }
    });
}
