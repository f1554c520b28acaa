import type { SecretBox } from '../crypto/secrets.js';
import type { TargetPolicy } from '../net/target-policy.js';
import { type AnyNotifier, NOTIFIERS } from '../notifiers/index.js';
import { DeliveryError, type NotificationMessage } from '../notifiers/types.js';
import type { ChannelRow } from '../store/channels.js';

export interface DeliveryOutcome {
  ok: boolean;
  statusCode?: number;
  error?: string;
  retryAfterMs?: number;
  permanent?: boolean;
  durationMs: number;
}

/** Reads a channel's settings and decrypted secrets, validated by its notifier. Throws a permanent DeliveryError. */
export function channelSettings(
  c: ChannelRow,
  secrets: SecretBox,
  notifiers: ReadonlyMap<string, AnyNotifier> = NOTIFIERS,
): { notifier: AnyNotifier; config: unknown; secret: unknown } {
  const notifier = notifiers.get(c.type);
  if (!notifier)
    throw new DeliveryError(`channel ${c.id} (${c.name}): unknown type "${c.type}"`, { permanent: true });
  let rawSecret: unknown = {};
  if (c.secret) {
    try {
      rawSecret = JSON.parse(secrets.decrypt(c.secret));
    } catch (err) {
      throw new DeliveryError(
        `channel ${c.id} (${c.name}): cannot decrypt its secrets (was the secret key changed?)`,
        {
          permanent: true,
          cause: err,
        },
      );
    }
  }
  const config = notifier.config.safeParse(JSON.parse(c.config));
  const secret = notifier.secret.safeParse(rawSecret);
  if (!config.success || !secret.success) {
    const issues = [...(config.error?.issues ?? []), ...(secret.error?.issues ?? [])];
    const what = issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new DeliveryError(`channel ${c.id} (${c.name}): invalid settings: ${what}`, { permanent: true });
  }
  return { notifier, config: config.data, secret: secret.data };
}

/** Sends one message on one channel with a hard timeout; never throws. */
export async function deliver(
  c: ChannelRow,
  message: NotificationMessage,
  deliveryId: string,
  opts: {
    secrets: SecretBox;
    timeoutMs: number;
    targets: TargetPolicy;
    notifiers?: ReadonlyMap<string, AnyNotifier>;
  },
): Promise<DeliveryOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    const { notifier, config, secret } = channelSettings(c, opts.secrets, opts.notifiers);
    const sending = notifier.send(
      message,
      { config, secret },
      { signal: controller.signal, deliveryId, targets: opts.targets },
    );
    // A notifier that ignores the signal still cannot hold the dispatcher past the timeout.
    const timedOut = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () =>
        reject(new DeliveryError(`channel ${c.id} (${c.name}): timed out after ${opts.timeoutMs} ms`)),
      ),
    );
    const receipt = await Promise.race([sending, timedOut]);
    return { ok: true, statusCode: receipt.status_code, durationMs: elapsed() };
  } catch (err) {
    const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, { cause: err });
    return {
      ok: false,
      error: e.message,
      statusCode: e.opts.statusCode,
      retryAfterMs: e.opts.retryAfterMs,
      permanent: e.opts.permanent,
      durationMs: elapsed(),
    };
  } finally {
    clearTimeout(timer);
  }
}
