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
 * The hub's one way to the MQTT broker. The embedded aedes broker implements it in-process; an external
 * broker (Mosquitto, EMQX) is an adapter over mqtt.js with a shared subscription and the broker's admin API
 * for `kick`. Nothing else in the hub touches the broker.
 */
export interface MessageBus {
  publish(topic: string, payload: Uint8Array, opts: PublishOptions): Promise<void>;
  /** Subscribes `handler` to `filter`; resolves to an unsubscribe function. */
  subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /** Connections of agents opening and closing, as the broker sees them. Returns an unsubscribe function. */
  onPresence(listener: (change: PresenceChange) => void): () => void;
  /** Closes an agent's live connection at once (revocation). True when it was connected. */
  kick(agentId: string): Promise<boolean>;
  /** Agent ids currently connected. */
  connected(): string[];
  close(): Promise<void>;
}
