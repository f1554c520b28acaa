import type { AedesBus } from '../broker/aedes-bus.js';
import type { MqttBus } from '../broker/mqtt-bus.js';
import type { AgentSites } from './agent-sites.js';
import type { ConfigPush } from './config-push.js';
import type { BrokerPorts } from './enrollment.js';
import type { JobDispatcher } from './jobs.js';
import type { LinkMetrics } from './metrics.js';
import type { LinkOptions } from './options.js';
import type { Presence } from './presence.js';
import type { Revocation } from './revocation.js';
import type { AgentSender } from './sender.js';

/** Where agents reach the broker: known once its listeners are open, forgotten when they close. */
export class ListeningPorts {
  #ports: BrokerPorts | undefined;

  get current(): BrokerPorts | undefined {
    return this.#ports;
  }

  set(ports: BrokerPorts | undefined): void {
    this.#ports = ports ? { ...ports } : undefined;
  }
}

/**
 * The units of the hub <-> agent link, each built with its own dependencies where the hub is composed
 * (server.ts), handed to the link service (listeners, message handling, sweeps) and to what uses them.
 */
export interface LinkParts {
  /** The embedded broker, or the hub's client of an external one (`brokerUrl`). */
  bus: AedesBus | MqttBus;
  metrics: LinkMetrics;
  options: LinkOptions;
  sites: AgentSites;
  sender: AgentSender;
  presence: Presence;
  configPush: ConfigPush;
  jobs: JobDispatcher;
  revocation: Revocation;
  ports: ListeningPorts;
}
