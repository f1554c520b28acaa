import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from '../logger.js';
import type { AgentRepo } from '../store/agents.js';
import { authenticateAgent, mayPublish, maySubscribe } from './auth.js';
import type { MessageBus, MessageHandler, PresenceChange, PublishOptions } from './bus.js';
import { BROKER_LIMITS } from './limits.js';

type Deliver = (packet: { topic: string; payload: Buffer | string }, cb: () => void) => void;

/** Counters the broker reports (exposed as Prometheus metrics by the caller). */
export interface BrokerCounters {
  authFailure(reason: string): void;
  aclDenied(kind: 'publish' | 'subscribe'): void;
}

/** The embedded broker: aedes with agent authentication and the protocol ACL, seen through MessageBus. */
export class AedesBus implements MessageBus {
  readonly #presence = new Set<(c: PresenceChange) => void>();

  private constructor(
    readonly broker: Aedes,
    private readonly logger: Logger,
  ) {
    broker.on('clientReady', (client: Client) => this.#emit({ agentId: client.id, connected: true }));
    broker.on('clientDisconnect', (client: Client) => {
      // A takeover (same id reconnecting) closes the old client after the new one is registered.
      const current = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[
        client.id
      ];
      if (current && current !== client) return;
      this.#emit({ agentId: client.id, connected: false });
    });
    broker.on('clientError', (client: Client, err: Error) =>
      logger.debug({ agent: client.id, err: err.message }, 'mqtt client error'),
    );
    broker.on('connectionError', (client: Client, err: Error) =>
      logger.debug({ agent: client?.id, err: err.message }, 'mqtt connection error'),
    );
  }

  /** Creates the aedes broker (not yet listening on any socket; see listeners.ts). */
  static async create(opts: {
    agents: Pick<AgentRepo, 'withSecret'>;
    logger: Logger;
    counters?: BrokerCounters;
    /** From TCP accept to CONNECT (default BROKER_LIMITS.connectTimeoutMs). */
    connectTimeoutMs?: number;
  }): Promise<AedesBus> {
    const { agents, logger, counters } = opts;
    const broker = await Aedes.createBroker({
      id: 'outpost-hub',
      concurrency: BROKER_LIMITS.concurrency,
      queueLimit: BROKER_LIMITS.queueLimit,
      drainTimeout: BROKER_LIMITS.drainTimeoutMs,
      connectTimeout: opts.connectTimeoutMs ?? BROKER_LIMITS.connectTimeoutMs,
      keepaliveLimit: BROKER_LIMITS.keepaliveLimitS,
      maxClientsIdLength: BROKER_LIMITS.maxClientsIdLength,
      maxTopicLevels: BROKER_LIMITS.maxTopicLevels,
      maxInflightInbound: BROKER_LIMITS.maxInflightInbound,
      heartbeatInterval: BROKER_LIMITS.heartbeatIntervalMs,
      authenticate(client, username, password, done) {
        authenticateAgent(agents, client.id, username, password).then(
          (decision) => {
            if (decision.ok) return done(null, true);
            counters?.authFailure(decision.reason);
            logger.warn({ agent: client.id, reason: decision.reason }, 'mqtt connection refused');
            const e = new Error(decision.reason) as AuthenticateError;
            e.returnCode = decision.returnCode as AuthenticateError['returnCode'];
            done(e, false);
          },
          (err) => {
            logger.error({ err, agent: client.id }, 'mqtt authentication failed with an error');
            const e = new Error('server unavailable') as AuthenticateError;
            e.returnCode = 3;
            done(e, false);
          },
        );
      },
      authorizePublish(client, packet, done) {
        // client is null for the hub's own publishes, which never pass through here.
        if (client && mayPublish(client.id, packet.topic)) return done(null);
        counters?.aclDenied('publish');
        logger.warn({ agent: client?.id, topic: packet.topic }, 'mqtt publish denied; disconnecting');
        done(new Error(`publish to ${packet.topic} not allowed`));
      },
      authorizeSubscribe(client, sub, done) {
        if (maySubscribe(client.id, sub.topic)) return done(null, sub);
        counters?.aclDenied('subscribe');
        logger.warn({ agent: client.id, filter: sub.topic }, 'mqtt subscribe denied');
        // A null subscription answers 0x80 (failure) for this filter; the connection stays up.
        done(null, null);
      },
    });
    return new AedesBus(broker, logger);
  }

  #emit(change: PresenceChange): void {
    for (const l of this.#presence) {
      try {
        l(change);
      } catch (err) {
        this.logger.error({ err, agent: change.agentId }, 'presence listener failed');
      }
    }
  }

  publish(topic: string, payload: Uint8Array, opts: PublishOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      this.broker.publish(
        {
          cmd: 'publish',
          topic,
          payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
          qos: opts.qos,
          retain: opts.retain,
          dup: false,
        },
        (err?: Error) =>
          err ? reject(new Error(`publish ${topic}: ${err.message}`, { cause: err })) : resolve(),
      );
    });
  }

  subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const deliver: Deliver = (packet, cb) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      let out: void | Promise<void>;
      try {
        out = handler(packet.topic, payload);
      } catch (err) {
        this.logger.error({ err, topic: packet.topic }, 'message handler threw');
        return cb();
      }
      if (out instanceof Promise) {
        out
          .catch((err) => this.logger.error({ err, topic: packet.topic }, 'message handler failed'))
          .finally(cb);
      } else cb();
    };
    return new Promise((resolve) => {
      this.broker.subscribe(filter, deliver as never, () =>
        resolve(
          () => new Promise<void>((done) => this.broker.unsubscribe(filter, deliver as never, () => done())),
        ),
      );
    });
  }

  onPresence(listener: (change: PresenceChange) => void): () => void {
    this.#presence.add(listener);
    return () => this.#presence.delete(listener);
  }

  /** Nothing to do: the embedded broker authenticates agents against the store. */
  async admit(_agentId: string, _secret: string): Promise<void> {}

  async kick(agentId: string): Promise<boolean> {
    const client = (this.broker as unknown as { clients: Record<string, Client | undefined> }).clients[
      agentId
    ];
    if (!client) return false;
    await new Promise<void>((resolve) => client.close(() => resolve()));
    return true;
  }

  connected(): string[] {
    return Object.keys((this.broker as unknown as { clients: Record<string, Client> }).clients);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.broker.close(() => resolve()));
  }
}
