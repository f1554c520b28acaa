import pg from 'pg';
import type { NotifyChannel } from '../cluster.js';
import { endClient } from './advisory-lock.js';

/** The channel hub events travel on between hubs. */
export const EVENTS_CHANNEL = 'outpost_hub_events';

/**
 * LISTEN/NOTIFY on connections of their own (outside the store's pool): one listens, one sends. Messages sent
 * in one call go out in one statement, hence one transaction: PostgreSQL delivers a transaction's
 * notifications together, in the order they were sent, after it commits.
 */
export class PgNotifyChannel implements NotifyChannel {
  #listener: pg.Client | undefined;
  #sender: pg.Client | undefined;
  #lost: ((err: unknown) => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly channel: string = EVENTS_CHANNEL,
    private readonly timeoutMs = 10_000,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel))
      throw new Error(`notify channel ${channel}: not a plain identifier`);
  }

  onLost(listener: (err: unknown) => void): void {
    this.#lost.push(listener);
  }

  #client(role: string): pg.Client {
    return new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.timeoutMs,
      keepAlive: true,
      application_name: `outpost-hub events ${role}`,
    });
  }

  async listen(deliver: (message: string) => void): Promise<void> {
    if (this.#listener) await endClient(this.#listener);
    const client = this.#client('listener');
    const lost = (err: unknown) => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      void endClient(client);
      for (const l of this.#lost) l(err);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('the events connection ended')));
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload !== undefined) deliver(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (err) {
      await endClient(client);
      throw err;
    }
    this.#listener = client;
  }

  async send(messages: readonly string[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.#sender) {
      const client = this.#client('sender');
      client.on('error', () => {
        if (this.#sender === client) this.#sender = undefined;
      });
      client.on('end', () => {
        if (this.#sender === client) this.#sender = undefined;
      });
      try {
        await client.connect();
      } catch (err) {
        await endClient(client);
        throw err;
      }
      this.#sender = client;
    }
    const sender = this.#sender;
    try {
      await sender.query({
        text: 'SELECT count(pg_notify($1, m)) FROM unnest($2::text[]) WITH ORDINALITY AS t(m, n)',
        values: [this.channel, messages],
        query_timeout: this.timeoutMs,
      } as pg.QueryConfig);
    } catch (err) {
      if (this.#sender === sender) this.#sender = undefined;
      await endClient(sender);
      throw err;
    }
  }

  async close(): Promise<void> {
    const clients = [this.#listener, this.#sender];
    this.#listener = undefined;
    this.#sender = undefined;
    for (const c of clients) if (c) await endClient(c);
  }
}
