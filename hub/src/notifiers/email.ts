import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import * as z from 'zod';
import { TargetBlockedError } from '../net/target-policy.js';
import { DeliveryError, type Notifier } from './types.js';

const Address = z.email({ error: 'must be an e-mail address' });

const Config = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535).default(587),
    /** implicit: TLS from the first byte (port 465); starttls: upgrade required; opportunistic; none. */
    tls: z.enum(['implicit', 'starttls', 'opportunistic', 'none']).default('starttls'),
    /** Refuse servers whose certificate does not verify (turn off only for a lab relay). */
    tls_verify: z.boolean().default(true),
    from: Address,
    to: z.array(Address).min(1).max(50),
    username: z.string().min(1).max(255).optional(),
  })
  .strict();

const Secret = z.object({ password: z.string().min(1).max(1024).optional() }).strict();

/** E-mail over SMTP with nodemailer: subject = the title, plain-text body. */
export const emailNotifier: Notifier<z.infer<typeof Config>, z.infer<typeof Secret>> = {
  type: 'email',
  description: 'E-mail over SMTP',
  config: Config,
  secret: Secret,
  async send(m, { config, secret }, opts) {
    // Resolved (and checked against the target policy) here; nodemailer then connects to that address, with
    // the name kept for the certificate check, so that no second lookup can point it elsewhere.
    let address: string;
    try {
      address = await opts.targets.address(config.host);
    } catch (err) {
      const blocked = err instanceof TargetBlockedError;
      throw new DeliveryError(`SMTP ${config.host}:${config.port}: ${(err as Error).message}`, {
        permanent: blocked,
        cause: err,
      });
    }
    const transport = nodemailer.createTransport({
      host: address,
      port: config.port,
      secure: config.tls === 'implicit',
      requireTLS: config.tls === 'starttls',
      ignoreTLS: config.tls === 'none',
      tls: {
        rejectUnauthorized: config.tls_verify,
        ...(isIP(config.host) === 0 ? { servername: config.host } : {}),
      },
      auth: config.username ? { user: config.username, pass: secret.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    const abort = () => transport.close();
    opts.signal.addEventListener('abort', abort, { once: true });
    try {
      const link = m.url ? `\n\n${m.url}` : '';
      const info = await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: m.title,
        text: `${m.text}${link}`,
        headers: { 'X-Outpost-Delivery': opts.deliveryId, 'X-Outpost-Event': m.kind },
      });
      if (info.rejected.length > 0 && info.accepted.length === 0) {
        throw new DeliveryError(`SMTP ${config.host}:${config.port}: every recipient refused`, {
          permanent: true,
        });
      }
      // The server's answer is not kept: only whether it took the message.
      return {};
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      const e = err as Error & { responseCode?: number; code?: string };
      // 5xx SMTP replies are permanent (bad recipient, auth refused); 4xx and connection errors are retried.
      const permanent = e.responseCode !== undefined && e.responseCode >= 500 && e.code !== 'ETIMEDOUT';
      const why = opts.signal.aborted ? 'timed out' : e.message.slice(0, 200);
      throw new DeliveryError(`SMTP ${config.host}:${config.port}: ${why}`, {
        statusCode: e.responseCode,
        permanent,
        cause: err,
      });
    } finally {
      opts.signal.removeEventListener('abort', abort);
      transport.close();
    }
  },
};
