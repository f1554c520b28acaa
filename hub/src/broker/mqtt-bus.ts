import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from '../logger.js';
import type { MessageBus, MessageHandler, PresenceChange, PublishOptions } from './bus.js';
import { connectOrExplain, type DynsecAdmin, redactBrokerUrl } from './dynsec.js';
import { sharedFilter, topicMatches } from './dynsec-acl.js';

/** How the hub reaches an external MQTT 5 broker. */
export interface MqttBusOptions {
  url: string;
  username: string;
  password: string;
  /** Hubs with one group share the agents' messages: each is delivered to exactly one of them. */
  shareGroup: string;
  /** PEM CA bundle for an mqtts:// or wss:// broker with a private CA. */
  ca?: Buffer;
  /** Manages agents' broker clients (enroll, revoke). */
  admin: DynsecAdmin;
  logger: Logger;
  /** Seconds between reconnect attempts after the broker went away. */
  reconnectS?: number;
  /**
   * Consumer connections in the share group (default 1). Each handles one delivery at a time, so this is how
   * many agent messages one hub handles side by side; the broker spreads the group's messages over them.
   */
  consumers?: number;
}

/**
 * The hub as an MQTT 5 client of an external broker (Mosquitto 2, EMQX). Every subscription is shared
 * (`$share/<group>/<filter>`), so with several hubs each agent message reaches one hub. A QoS 1 message is
 * acknowledged (PUBACK) only after its handler settled: mqtt.js sends the PUBACK when `handleMessage` calls
 * back, and handles one incoming packet at a time, so acks also leave in order [MQTT-4.6.0-2]. To handle
 * several messages side by side a hub opens `consumers` connections, each a member of the share group (two
 * batches of one agent may then be handled at once, as on two hubs: the ledger's per-agent lock orders
 * them, and a late older batch never rolls state back). The hub's
 * publishes go over a second connection: a handler that publishes (the agent's ack) and awaits the broker's
 * PUBACK would otherwise wait behind its own delivery. A hub that dies mid-handle never acks; its clean session goes with it and the agent re-sends the batch (it deletes
 * rows only on the hub's `ack`, after commit), so nothing is lost.
 *
 * Agents' connections are invisible to a plain client: presence comes from their `status` messages, wills and
 * heartbeats alone (`onPresence` never fires, `connected()` is null). Revocation deletes the agent's broker
 * client, which the broker disconnects at once.
 */
export class MqttBus implements MessageBus {
  readonly #handlers = new Map<string, MessageHandler>();

  private constructor(
    /** Carry the shared subscriptions; each one delivery at a time, acknowledged after its handler settled. */
    readonly consumers: readonly MqttClient[],
    /** Carries the hub's publishes, so that a handler awaiting a PUBACK never waits behind itself. */
    readonly producer: MqttClient,
    private readonly opts: MqttBusOptions,
  ) {
    for (const consumer of consumers) {
      consumer.handleMessage = (packet, done) => {
        this.#deliver(packet as IPublishPacket).then(
          () => done(),
          () => done(),
        );
      };
    }
    for (const [role, client] of [
      ...consumers.map((c) => ['consumer', c] as const),
      ['producer', producer] as const,
    ]) {
      client.on('error', (err) => opts.logger.warn({ err: err.message, role }, 'broker connection error'));
      client.on('offline', () => opts.logger.warn({ role }, 'broker connection lost; reconnecting'));
    }
  }

  /** Connects (one attempt: a wrong password or an unreachable broker fails the hub's start with the reason). */
  static async connect(opts: MqttBusOptions): Promise<MqttBus> {
    const id = `outpost-hub-${hostname().slice(0, 24)}-${randomBytes(4).toString('hex')}`;
    const options = (suffix: string): IClientOptions => ({
      protocolVersion: 5,
      // A fresh session each time: in-flight messages of a dead session come back through the agents'
      // re-sends, and a stale queue is never delivered to a hub that restarted.
      clean: true,
      clientId: `${id}-${suffix}`,
      username: opts.username,
      password: opts.password,
      reconnectPeriod: (opts.reconnectS ?? 1) * 1000,
      resubscribe: true,
      keepalive: 30,
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    const count = opts.consumers ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 64)
      throw new Error(`consumers: must be an integer from 1 to 64, got ${count}`);
    const opened: MqttClient[] = [];
    try {
      for (let i = 0; i < count; i++)
        opened.push(await connectOrExplain(opts.url, options(`sub${i}`), 'hub'));
      const producer = await connectOrExplain(opts.url, options('pub'), 'hub');
      return new MqttBus(opened, producer, opts);
    } catch (err) {
      await Promise.all(opened.map((c) => c.endAsync(true)));
      throw err;
    }
  }

  async #deliver(packet: IPublishPacket): Promise<void> {
    const topic = packet.topic;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    for (const [filter, handler] of this.#handlers) {
      if (!topicMatches(filter, topic)) continue;
      try {
        await handler(topic, payload);
      } catch (err) {
        this.opts.logger.error({ err, topic }, 'message handler failed');
      }
    }
  }

  async publish(topic: string, payload: Uint8Array, opts: PublishOptions): Promise<void> {
    try {
      await this.producer.publishAsync(
        topic,
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
        { qos: opts.qos, retain: opts.retain },
      );
    } catch (err) {
      throw new Error(`publish ${topic}: ${(err as Error).message}`, { cause: err });
    }
  }

  async subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.#handlers.has(filter)) throw new Error(`${filter} is already subscribed on this bus`);
    const shared = sharedFilter(this.opts.shareGroup, filter);
    this.#handlers.set(filter, handler);
    try {
      for (const consumer of this.consumers) {
        const granted = await consumer.subscribeAsync(shared, { qos: 1 });
        const code = granted[0]?.qos;
        if (code !== undefined && code >= 0x80)
          throw new Error(`the broker refused the subscription (reason ${code})`);
      }
    } catch (err) {
      this.#handlers.delete(filter);
      await this.#unsubscribeAll(shared);
      throw new Error(
        `subscribe ${shared}: ${(err as Error).message}; the hub's broker client needs its role (see docs/scaling-out.md)`,
        { cause: err },
      );
    }
    return async () => {
      this.#handlers.delete(filter);
      await this.#unsubscribeAll(shared);
    };
  }

  async #unsubscribeAll(shared: string): Promise<void> {
    await Promise.all(
      this.consumers.filter((c) => c.connected).map((c) => c.unsubscribeAsync(shared).catch(() => undefined)),
    );
  }

  onPresence(_listener: (change: PresenceChange) => void): () => void {
    return () => undefined;
  }

  /** Lets a newly enrolled agent connect: its broker client, with its secret and its own ACL. */
  admit(agentId: string, secret: string): Promise<void> {
    return this.opts.admin.addAgent(agentId, secret);
  }

  /**
   * Deletes the agent's broker client: refused from now on, its live connection closed by the broker at once.
   * When the broker cannot be told (unreachable), the revocation stands in the store and the hub deletes the
   * client once its admin connection is back (reconcileAgentClients); until then no hub handles the agent's
   * messages (a revoked agent's messages are dropped).
   */
  async kick(agentId: string): Promise<boolean> {
    try {
      return await this.opts.admin.removeAgent(agentId);
    } catch (err) {
      this.opts.logger.error({ err, agent: agentId }, 'revocation: deleting the agent broker client failed');
      return false;
    }
  }

  connected(): null {
    return null;
  }

  /** The dynamic-security admin this bus manages agents' accounts with. */
  get admin(): DynsecAdmin {
    return this.opts.admin;
  }

  /** Whether the hub's connection to the broker is up. */
  get isConnected(): boolean {
    return this.consumers.every((c) => c.connected) && this.producer.connected;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.endAsync(true)));
    await this.producer.endAsync(false);
    await this.opts.admin.close();
  }
}
