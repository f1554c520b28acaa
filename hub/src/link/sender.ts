import { encode, type MessageInputs, type MessageKind, TOPIC_RULES, topicFor } from '@outpost/protocol';
import type { MessageBus } from '../broker/bus.js';

/** Publishes hub -> agent messages: encoded, on their topic, with the protocol's QoS and retained flag. */
export class AgentSender {
  constructor(private readonly bus: Pick<MessageBus, 'publish'>) {}

  async send<K extends MessageKind>(kind: K, agentId: string, message: MessageInputs[K]): Promise<void> {
    const out = encode(kind, message);
    if (!out.ok) throw new Error(`encode ${kind} for agent ${agentId}: ${out.error.message}`);
    const rule = TOPIC_RULES[kind];
    await this.bus.publish(topicFor(kind, agentId), out.bytes, { qos: rule.qos, retain: rule.retain });
  }
}

/** What a unit that talks to agents needs of the sender. */
export type Sender = Pick<AgentSender, 'send'>;
