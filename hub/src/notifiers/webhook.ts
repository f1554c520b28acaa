import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { postJson } from './http.js';
import type { Notifier } from './types.js';

/** The signature header: `t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the channel secret>`. */
export const SIGNATURE_HEADER = 'x-outpost-signature';
/** A unique id per message (stable across retries): receivers drop duplicates with it. */
export const DELIVERY_HEADER = 'x-outpost-delivery';

/** Computes the v1 signature of a raw body sent at `t` (ms). */
export function sign(secret: string, t: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
}

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const Config = z
  .object({
    url: HttpUrl,
    /** Extra non-secret headers (e.g. a routing key the receiver expects). */
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'header names are letters, digits and "-"'),
        z.string().max(1024),
      )
      .default({}),
  })
  .strict();

const Secret = z
  .object({ hmac_secret: z.string().min(16, 'hmac_secret must be at least 16 characters').max(1024) })
  .strict();

/**
 * A generic JSON webhook: POSTs `{event, title, text, severity, alert?, summary?, url?, sent_at}` signed with
 * HMAC-SHA256 (see docs/alerting.md for verifying it).
 */
export const webhookNotifier: Notifier<z.infer<typeof Config>, z.infer<typeof Secret>> = {
  type: 'webhook',
  description: 'JSON POST signed with HMAC-SHA256 in the X-Outpost-Signature header',
  config: Config,
  secret: Secret,
  async send(m, { config, secret }, opts) {
    const body = JSON.stringify({
      event: m.kind,
      title: m.title,
      text: m.text,
      severity: m.severity ?? null,
      alert: m.alert ?? null,
      summary: m.summary ?? null,
      url: m.url ?? null,
      sent_at: m.ts,
    });
    const t = Date.now();
    return postJson(
      config.url,
      body,
      {
        ...config.headers,
        [SIGNATURE_HEADER]: `t=${t},v1=${sign(secret.hmac_secret, t, body)}`,
        [DELIVERY_HEADER]: opts.deliveryId,
      },
      opts.signal,
      opts.targets,
    );
  },
};
