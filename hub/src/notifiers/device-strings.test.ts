import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { TargetPolicy } from '../net/target-policy.js';
import { emailNotifier } from './email.js';
import { escapeSlack, slackNotifier } from './slack.js';
import type { NotificationMessage } from './types.js';
import { webhookNotifier } from './webhook.js';

// What a device can put in an alert: its interface name and sysName come from SNMP answers.
const HOSTILE_IF = 'Gi0/1 <!channel> <https://evil.example/login|Reset your password> & more';
const HOSTILE_SYS = 'core\r\nBcc: attacker@evil.example\r\nX-Injected: yes';
const message: NotificationMessage = {
  kind: 'problem',
  title: `[Outpost] PROBLEM high: Interface ${HOSTILE_IF} on ${HOSTILE_SYS} down`,
  text: `Interface ${HOSTILE_IF} is down\nDevice: ${HOSTILE_SYS}`,
  severity: 'high',
  url: 'https://hub.example.org/alerts/7',
  ts: Date.UTC(2026, 0, 1),
};
const LOCAL = new TargetPolicy(['127.0.0.1/32']);
const opts = () => ({ signal: AbortSignal.timeout(5000), deliveryId: 'outbox-1', targets: LOCAL });

describe('device-supplied strings in notifications', () => {
  let http: Server;
  let base: string;
  let smtp: SMTPServer;
  let smtpPort: number;
  const posted: string[] = [];
  const mails: { to: string[]; raw: string }[] = [];
  before(async () => {
    http = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        posted.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        let raw = '';
        stream.on('data', (c) => {
          raw += c;
        });
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((r) => http.close(() => r()));
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('escapes them for Slack: no @channel ping, no fake link; only the hub link is markup', async () => {
    await slackNotifier.send(message, { config: {}, secret: { webhook_url: `${base}/slack` } }, opts());
    const body = JSON.parse(posted.at(-1) as string) as { text: string; attachments: { text: string }[] };
    const all = `${body.text}\n${body.attachments[0]?.text}`;
    assert.doesNotMatch(all, /<!channel>|<https:\/\/evil/);
    assert.match(
      body.text,
      /&lt;!channel&gt; &lt;https:\/\/evil\.example\/login\|Reset your password&gt; &amp; more/,
    );
    assert.equal((all.match(/</g) ?? []).length, 1, 'one link: the hub link');
    assert.match(
      body.attachments[0]?.text ?? '',
      /<https:\/\/hub\.example\.org\/alerts\/7\|Open in Outpost>$/,
    );
  });

  it('escapes exactly the characters Slack reserves', () => {
    assert.equal(escapeSlack('a<b>c&d|e*f'), 'a&lt;b&gt;c&amp;d|e*f');
  });

  it('keeps them inside the subject and body of an e-mail: no header injected, no extra recipient', async () => {
    await emailNotifier.send(
      message,
      {
        config: {
          host: '127.0.0.1',
          port: smtpPort,
          tls: 'none',
          tls_verify: true,
          from: 'hub@example.org',
          to: ['noc@example.org'],
        },
        secret: {},
      },
      opts(),
    );
    const mail = mails.at(-1);
    assert.ok(mail);
    assert.deepEqual(mail.to, ['noc@example.org']);
    const headers = mail.raw.split('\r\n\r\n')[0] as string;
    assert.doesNotMatch(headers, /^(Bcc|X-Injected):/im);
  });

  it('sends them to a webhook as JSON strings, unchanged', async () => {
    await webhookNotifier.send(
      message,
      { config: { url: `${base}/hook`, headers: {} }, secret: { hmac_secret: 'x'.repeat(16) } },
      opts(),
    );
    assert.equal(JSON.parse(posted.at(-1) as string).title, message.title);
  });
});
