import * as z from 'zod';
import type { Severity } from '../alerts/types.js';
import { postJson } from './http.js';
import type { Notifier } from './types.js';

const Config = z
  .object({
    /** Overrides the webhook's display name (only honoured by legacy webhooks). */
    username: z.string().min(1).max(80).optional(),
  })
  .strict();

// The incoming-webhook URL is the credential: whoever has it can post to the channel.
const Secret = z
  .object({ webhook_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }) })
  .strict();

const COLORS: Record<Severity, string> = {
  critical: '#b71c1c',
  high: '#e65100',
  medium: '#f9a825',
  low: '#1565c0',
  info: '#607d8b',
};

/**
 * Slack's escaping for message text: `&`, `<` and `>` as entities. Titles and texts carry strings devices report
 * (ifName, sysName); unescaped, `<!channel>` would ping everyone and `<https://x|label>` would show a fake link.
 */
export function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A URL as Slack link markup takes it: percent-encoded, `|` too (it would end the URL). */
function linkTarget(url: string): string | undefined {
  try {
    return new URL(url).href.replaceAll('|', '%7C');
  } catch {
    return undefined;
  }
}

/** Slack incoming webhook: the title in bold, the text, a colour per severity (green for recoveries). */
export const slackNotifier: Notifier<z.infer<typeof Config>, z.infer<typeof Secret>> = {
  type: 'slack',
  description: 'Slack incoming webhook',
  config: Config,
  secret: Secret,
  async send(m, { config, secret }, opts) {
    const color = m.kind === 'recovery' ? '#2e7d32' : m.severity ? COLORS[m.severity] : '#607d8b';
    const href = m.url ? linkTarget(m.url) : undefined;
    const link = href ? `\n<${href}|Open in Outpost>` : '';
    const body = JSON.stringify({
      text: escapeSlack(m.title),
      ...(config.username ? { username: config.username } : {}),
      attachments: [{ color, text: `${escapeSlack(m.text)}${link}`, ts: Math.floor(m.ts / 1000) }],
    });
    return postJson(secret.webhook_url, body, {}, opts.signal, opts.targets);
  },
};
