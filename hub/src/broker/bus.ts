/** How a message travels: MQTT QoS and the retained flag. */
export interface PublishOptions {
  qos: 0 | 1;
  retain: boolean;
}

/**
 * Handles one message. The bus acknowledges the delivery to the broker when the handler returns (or its
 * promise settles), so a handler that stores the message first is never told twice about one delivery by
 * its own broker connection. It must not throw; it logs and counts its own failures.
 */
export type MessageHandler = (topic: string, payload: Uint8Array) => void | Promise<void>;

/** An agent's broker connection opened (after authentication) or closed. */
export interface PresenceChange {
  agentId: string;
  connected: boolean;
}

/**
 * The hub's one way to the MQTT broker. The embedded aedes broker implements it in-process (aedes-bus.ts); an
 * external broker (Mosquitto 2) is an adapter over mqtt.js with shared subscriptions and the broker's
 * dynamic-security API for agents' accounts (mqtt-bus.ts). Nothing else in the hub touches the broker.
 */
export interface MessageBus {
  publish(topic: string, payload: Uint8Array, opts: PublishOptions): Promise<void>;
  /** Subscribes `handler` to `filter`; resolves to an unsubscribe function. */
  subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /** Connections of agents opening and closing, as the broker sees them. Returns an unsubscribe function. */
  onPresence(listener: (change: PresenceChange) => void): () => void;
  /**
   * Lets a newly enrolled agent connect with `secret` and the protocol's ACL. Called inside the enrollment's
   * unit of work, so a broker that refuses leaves the token unspent. (Embedded: nothing to do, the broker
   * checks the store.)
   */
  admit(agentId: string, secret: string): Promise<void>;
  /**
   * Revocation at the broker: the agent is refused from now on and its live connection is closed at once.
   * True when it was connected (embedded) or had a broker account (external).
   */
  kick(agentId: string): Promise<boolean>;
  /** Agent ids currently connected, or null when the broker does not tell (an external one). */
  connected(): string[] | null;
  close(): Promise<void>;
}
