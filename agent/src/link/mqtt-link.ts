import os from 'node:os';
import {
  type CommandMessage,
  type ConfigMessage,
  decode,
  encode,
  type MessageInputs,
  type StatusMessage,
  TOPIC_RULES,
  topics,
} from '@outpost/protocol';
import mqtt, { type IClientOptions, MqttClient } from 'mqtt';
import type { Identity } from '../identity.js';
import type { Logger } from '../logger.js';
import { brokerStream, preferredBrokerUrl } from './stream.js';

export type LinkState = 'connecting' | 'online' | 'offline' | 'stopped';

export interface LinkStatus {
  state: LinkState;
  /** When the state last changed (epoch ms). */
  since: number;
  url: string;
  lastError?: string;
  connects: number;
}

export interface LinkHandlers {
  connected(): void;
  disconnected(): void;
  ack(upTo: number): void;
  config(config: ConfigMessage): void;
  command(command: CommandMessage): void;
  /** Fields of the `online` status that change: config version, backlog, buffered, dropped. */
  statusFields(): Pick<StatusMessage, 'config_version' | 'backlog' | 'buffered' | 'dropped'>;
}

export interface LinkOptions {
  identity: Identity;
  agentVersion: string;
  startedAt: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  connectTimeoutMs?: number;
  now(): number;
  log: Logger;
  handlers: LinkHandlers;
}

/** A URL without credentials, for logs. */
export function safeUrl(url: string): string {
  return url.replace(/(\w+:\/\/)[^/@\s]+@/, '$1');
}

/** Next reconnect delay: doubles up to the bound, with +-20% jitter so that a site's agents do not align. */
export function nextBackoff(current: number, min: number, max: number, random = Math.random): number {
  const doubled = Math.min(max, Math.max(min, current * 2));
  return Math.round(Math.min(max, doubled * (0.8 + 0.4 * random())));
}

/**
 * The agent's one outbound MQTT connection: persistent session (`clean: false`, client id = agent id), the
 * `offline` will on `status`, `online` status on connect and every heartbeat, QoS 1, its own `down/#` only.
 */
export class HubLink {
  private client: MqttClient | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private heartbeatMs = 30_000;
  private period: number;
  private readonly st: LinkStatus;
  private readonly hostname = os.hostname();

  constructor(private readonly o: LinkOptions) {
    this.period = o.reconnectMinMs;
    this.st = {
      state: 'connecting',
      since: o.now(),
      url: safeUrl(preferredBrokerUrl(o.identity.mqtt_urls)),
      connects: 0,
    };
  }

  get status(): LinkStatus {
    return { ...this.st };
  }

  private setState(state: LinkState, error?: string): void {
    if (state !== this.st.state) {
      this.st.state = state;
      this.st.since = this.o.now();
    }
    if (error !== undefined) this.st.lastError = error;
  }

  private will(): { topic: string; payload: Buffer; qos: 1; retain: true } {
    const id = this.o.identity.agent_id;
    const out = encode('status', {
      v: 1,
      state: 'offline',
      reason: 'will',
      version: this.o.agentVersion,
      started_at: this.o.startedAt,
      ts: this.o.now(),
      hostname: this.hostname,
    });
    if (!out.ok) throw new Error(`cannot encode the will: ${out.error.message}`);
    return { topic: topics.status(id), payload: Buffer.from(out.bytes), qos: 1, retain: true };
  }

  start(): void {
    const { identity, log } = this.o;
    const url = preferredBrokerUrl(identity.mqtt_urls);
    const options: IClientOptions = {
      clientId: identity.agent_id,
      username: identity.agent_id,
      password: identity.secret,
      clean: false,
      protocolVersion: 4,
      keepalive: 30,
      reconnectPeriod: this.o.reconnectMinMs,
      connectTimeout: this.o.connectTimeoutMs ?? 10_000,
      resubscribe: false,
      // A refused CONNECT (hub restarting, agent briefly unknown) must not end the retries; the backoff paces them.
      reconnectOnConnackError: true,
      will: this.will(),
      // mqtt-packet otherwise pre-builds 65,536 two-byte Buffers for packet ids on the first write: about 7 MB
      // of heap kept for the life of the process, for a client that has at most a few packets in flight.
      writeCache: false,
    };
    const stream = brokerStream(url);
    const client = stream ? new MqttClient(stream, options) : mqtt.connect(url, options);
    this.client = client;
    client.on('connect', (connack) => {
      this.st.connects++;
      this.period = this.o.reconnectMinMs;
      client.options.reconnectPeriod = this.period;
      this.setState('online');
      log.info({ url: this.st.url, sessionPresent: connack.sessionPresent }, 'connected to the hub');
      client.subscribe(topics.downFilter(identity.agent_id), { qos: 1 }, (err) => {
        if (err) log.error({ err }, 'subscribing to down/# failed');
      });
      this.publishOnline().catch((err: unknown) => log.warn({ err }, 'publishing online status failed'));
      this.restartHeartbeat();
      this.o.handlers.connected();
    });
    client.on('close', () => {
      const wasOnline = this.st.state === 'online';
      if (this.st.state !== 'stopped') this.setState('offline');
      this.stopHeartbeat();
      if (wasOnline) {
        log.warn({ url: this.st.url }, 'disconnected from the hub');
        this.o.handlers.disconnected();
      }
      this.period = nextBackoff(this.period, this.o.reconnectMinMs, this.o.reconnectMaxMs);
      client.options.reconnectPeriod = this.period;
      client.options.will = this.will();
    });
    client.on('error', (err) => {
      const code = (err as { code?: number }).code;
      const message =
        code === 4 || code === 5 || code === 134 || code === 135
          ? `the hub refused this agent's credentials (${err.message}); re-enroll it`
          : err.message;
      this.setState(this.st.state === 'online' ? 'online' : 'offline', message);
      log.warn({ url: this.st.url, err: message }, 'hub link error');
    });
    client.on('message', (topic, payload) => this.receive(topic, payload));
  }

  private receive(topic: string, payload: Buffer): void {
    const r = decode(topic, payload);
    if (!r.ok) {
      this.o.log.warn({ topic, err: r.error.message }, 'invalid message from the hub ignored');
      return;
    }
    if (r.agentId !== this.o.identity.agent_id) return;
    try {
      if (r.kind === 'ack') this.o.handlers.ack(r.message.upTo);
      else if (r.kind === 'config') this.o.handlers.config(r.message);
      else if (r.kind === 'command') this.o.handlers.command(r.message);
    } catch (err) {
      this.o.log.error({ kind: r.kind, err }, 'handling a message from the hub failed');
    }
  }

  /** Publishes a message of `kind` under this agent's topics, with the kind's QoS and retain flag. */
  async publish<K extends 'status' | 'batch' | 'result' | 'snapshot'>(
    kind: K,
    message: MessageInputs[K],
  ): Promise<void> {
    const out = encode(kind, message);
    if (!out.ok) throw new Error(out.error.message);
    await this.publishEncoded(kind, out.bytes);
  }

  /** Publishes a payload already encoded (and validated) for `kind`. */
  async publishEncoded(kind: 'status' | 'batch' | 'result' | 'snapshot', bytes: Uint8Array): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('hub link not started');
    await client.publishAsync(topics[kind](this.o.identity.agent_id), Buffer.from(bytes), {
      qos: 1,
      retain: TOPIC_RULES[kind].retain,
    });
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  async publishOnline(): Promise<void> {
    await this.publish('status', {
      v: 1,
      state: 'online',
      version: this.o.agentVersion,
      started_at: this.o.startedAt,
      ts: this.o.now(),
      hostname: this.hostname,
      ...this.o.handlers.statusFields(),
    });
  }

  /** Sets the heartbeat period (config `intervals.heartbeat_s`). */
  setHeartbeat(seconds: number): void {
    const ms = seconds * 1000;
    if (ms === this.heartbeatMs) return;
    this.heartbeatMs = ms;
    if (this.heartbeat) this.restartHeartbeat();
  }

  private restartHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      this.publishOnline().catch((err: unknown) => this.o.log.warn({ err }, 'heartbeat failed'));
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /** Clean stop: `offline` with reason `shutdown` (retained) when connected, then disconnect. */
  async stop(timeoutMs = 3_000): Promise<void> {
    const client = this.client;
    this.stopHeartbeat();
    if (!client) return;
    if (client.connected) {
      const offline = this.publish('status', {
        v: 1,
        state: 'offline',
        reason: 'shutdown',
        version: this.o.agentVersion,
        started_at: this.o.startedAt,
        ts: this.o.now(),
        hostname: this.hostname,
        ...this.o.handlers.statusFields(),
      });
      await Promise.race([offline, new Promise((r) => setTimeout(r, timeoutMs).unref())]).catch(() => {});
    }
    this.setState('stopped');
    await Promise.race([
      client.endAsync(!client.connected),
      new Promise((r) => setTimeout(r, timeoutMs).unref()),
    ]);
    if (!client.disconnected) client.end(true);
  }
}
