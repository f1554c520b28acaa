import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

export interface NotifySink {
  url: string;
  /** How many notifications arrived. */
  received(): number;
  stop(): Promise<void>;
}

const CHANNEL = 'demo-console';

/**
 * A local webhook receiver that prints one line per notification, so `npm run demo` shows alerts notifying
 * without any mail server or chat account. Registered (or re-pointed after a restart) as a webhook channel.
 */
export async function startNotifySink(api: Api, say: (line: string) => void): Promise<NotifySink> {
  let count = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length < 64 * 1024) body += chunk;
    });
    req.on('end', () => {
      count++;
      try {
        const m = JSON.parse(body) as { event?: string; title?: string; severity?: string };
        say(`demo: notification (${m.event ?? 'message'}, ${m.severity ?? '-'}): ${m.title ?? ''}`);
      } catch {
        say('demo: notification with an unreadable body');
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/outpost`;
  const { channels } = await api<{ channels: { id: number; name: string }[] }>(
    'GET',
    '/notification-channels',
  );
  const existing = channels.find((c) => c.name === CHANNEL);
  const secrets = { hmac_secret: randomBytes(24).toString('hex') };
  if (existing) {
    await api('PATCH', `/notification-channels/${existing.id}`, { config: { url }, secrets, enabled: true });
  } else {
    await api('POST', '/notification-channels', {
      name: CHANNEL,
      type: 'webhook',
      min_severity: 'info',
      daily_summary: false,
      config: { url },
      secrets,
    });
  }
  return {
    url,
    received: () => count,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
