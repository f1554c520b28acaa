import os from 'node:os';
import path from 'node:path';
import { releaseKeyId, releasePublicKey } from '@outpost/protocol';
import { Command } from 'commander';
import * as z from 'zod';
import { loadSettings } from '../../config.js';
import { DATA_FILES, type Identity, IdentitySchema, readIdentity, writeIdentity } from '../../identity.js';
import { safeUrl } from '../../link/mqtt-link.js';
import { AGENT_VERSION } from '../../version.js';

const EnrollResponse = z.object({
  agent_id: z.string(),
  secret: z.string().min(1),
  site_id: z.int().positive(),
  mqtt: z.object({ urls: z.array(z.string()).min(1) }),
  hub_url: z.string(),
  /** The hub's release key, when it has one configured. */
  release_key: z.string().optional(),
});

/** Why enrollment failed, in words an installer can act on. */
export class EnrollError extends Error {}

/** Calls the hub's enroll endpoint and returns the identity to store. */
export async function enroll(
  hub: string,
  token: string,
  timeoutMs = 15_000,
  pinnedReleaseKey?: string,
): Promise<Identity> {
  if (pinnedReleaseKey !== undefined) {
    try {
      releasePublicKey(pinnedReleaseKey);
    } catch (err) {
      throw new EnrollError(`--release-key: ${(err as Error).message}`);
    }
  }
  let base: URL;
  try {
    base = new URL(hub);
    if (!/^https?:$/.test(base.protocol)) throw new Error('not http(s)');
  } catch {
    throw new EnrollError(`--hub: "${hub}" is not an http:// or https:// URL`);
  }
  const url = new URL('api/v1/agents/enroll', base.href.endsWith('/') ? base.href : `${base.href}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token, hostname: os.hostname(), version: AGENT_VERSION }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : (cause?.code ?? cause?.message ?? (err as Error).message);
    throw new EnrollError(
      `cannot reach the hub at ${safeUrl(base.href)}: ${why}. Check the URL and that this machine can reach the hub.`,
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status >= 400 && res.status < 500) {
      const hint =
        res.status === 404 && !e
          ? ' (is this the hub URL?)'
          : /token create/.test(e?.message ?? '')
            ? ''
            : '. Ask an administrator for a new token (outpost-hub token create).';
      throw new EnrollError(
        `the hub refused the enrollment: ${e?.message ?? `HTTP ${res.status}`}${e?.code ? ` (${e.code})` : ''}${hint}`,
      );
    }
    throw new EnrollError(
      `the hub failed to enroll this agent: HTTP ${res.status}${e?.message ? `: ${e.message}` : ''}. Try again later.`,
    );
  }
  const parsed = EnrollResponse.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EnrollError(
      `the hub answered with an unexpected enrollment response: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  const offered = parsed.data.release_key?.trim();
  if (pinnedReleaseKey && offered && offered !== pinnedReleaseKey.trim()) {
    throw new EnrollError(
      `the hub offers release key ${releaseKeyId(offered)}, not the one given with --release-key (${releaseKeyId(pinnedReleaseKey)}); nothing was saved. Check the key with the hub's operator.`,
    );
  }
  const releaseKey = pinnedReleaseKey?.trim() ?? offered;
  const identity = IdentitySchema.safeParse({
    agent_id: parsed.data.agent_id,
    secret: parsed.data.secret,
    site_id: parsed.data.site_id,
    hub_url: parsed.data.hub_url,
    mqtt_urls: parsed.data.mqtt.urls,
    hostname: os.hostname(),
    enrolled_at: Date.now(),
    ...(releaseKey ? { release_key: releaseKey } : {}),
  });
  if (!identity.success) {
    const issue = identity.error.issues[0];
    throw new EnrollError(
      `the hub answered with an unusable identity: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return identity.data;
}

/** `outpost-agent enroll --hub URL --token TOKEN [--data DIR]`. */
export function enrollCommand(): Command {
  return new Command('enroll')
    .description(
      "enroll this agent with a hub: trades a one-time token for the agent's identity and credentials",
    )
    .requiredOption('--hub <url>', 'the hub URL, e.g. https://hub.example.net')
    .requiredOption('--token <token>', 'an enrollment token from `outpost-hub token create`')
    .option('--data <dir>', 'data directory (default: /var/lib/outpost-agent when it exists, else ./data)')
    .option('--config <file>', 'settings file')
    .option(
      '--release-key <key>',
      "pin this release key (44 base64 characters from `outpost-hub release keygen`) instead of the hub's; refused when the hub offers another",
    )
    .action(
      async (opts: { hub: string; token: string; data?: string; config?: string; releaseKey?: string }) => {
        try {
          const settings = loadSettings(opts);
          const dir = settings.dataDir;
          const existing = readIdentity(dir);
          if (existing) {
            throw new EnrollError(
              `already enrolled as agent ${existing.agent_id} with ${safeUrl(existing.hub_url)} (${path.join(dir, DATA_FILES.identity)}). To enroll again, stop the agent and move ${dir} away first (its unsent results would be lost).`,
            );
          }
          const identity = await enroll(opts.hub, opts.token, undefined, opts.releaseKey);
          writeIdentity(dir, identity);
          const dataFlag = opts.data ? ` --data ${dir}` : '';
          process.stdout.write(
            [
              `Enrolled as agent ${identity.agent_id} (site ${identity.site_id}) with ${safeUrl(identity.hub_url)}.`,
              `Identity and credentials saved to ${path.join(dir, DATA_FILES.identity)} (mode 0600).`,
              `Broker: ${identity.mqtt_urls.map(safeUrl).join(', ')}`,
              identity.release_key
                ? `Release key ${releaseKeyId(identity.release_key)} pinned: upgrades from the hub must be signed with it.`
                : 'No release key pinned (the hub has none): upgrades from the hub are refused until one is (outpost-agent release-key --set).',
              '',
              'Start it:',
              `  outpost-agent run${dataFlag}`,
              'or, installed as a service:',
              '  sudo systemctl enable --now outpost-agent',
              `Then check it with: outpost-agent status${dataFlag}`,
              '',
            ].join('\n'),
          );
        } catch (err) {
          process.stderr.write(`outpost-agent enroll: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
      },
    );
}
