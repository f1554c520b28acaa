import { LIMITS } from '@outpost/protocol';

/**
 * The embedded broker's limits (aedes options). Documented in hub/README.md, "Broker and agents".
 */
export const BROKER_LIMITS = {
  /** Client ids are agent ids: up to 64 characters (aedes' default of 23 would refuse them). */
  maxClientsIdLength: LIMITS.agentIdLength,
  /** Protocol topics have 6 levels (`outpost/v1/agents/{id}/up/batch`); anything deeper is refused. */
  maxTopicLevels: 8,
  /** Packets a client may send before its CONNECT is authenticated; more closes the connection. */
  queueLimit: 64,
  /** Messages routed at once by the broker's emitter (backpressure on publishers beyond it). */
  concurrency: 256,
  /** A client that does not drain its socket in this time is disconnected (a frozen consumer). */
  drainTimeoutMs: 30_000,
  /** Time between TCP accept and CONNECT before the socket is closed (hub config mqttConnectTimeoutS). */
  connectTimeoutMs: 10_000,
  /** Largest keepalive (s) a client may ask for; a larger one is refused (agents use 30 s). */
  keepaliveLimitS: 300,
  /** Inbound QoS 2 messages awaiting PUBREL per client (agents use QoS 1). */
  maxInflightInbound: 100,
  /** $SYS heartbeat interval (its topics are unreachable to agents anyway). */
  heartbeatIntervalMs: 60_000,
} as const;
