import { isValidAgentId } from './ids.js';
import { MESSAGE_KINDS, TOPIC_RULES, topicFor, topics } from './topics.js';

/** What one agent may do on the broker: exact topics to publish and exact filters to subscribe. */
export interface AgentAcl {
  publish: string[];
  subscribe: string[];
}

/**
 * The agent's rights, as data: it publishes only its own `status` and `up/*` topics and subscribes only to
 * its own `down/*` topics (singly or as `down/#`). The hub's broker enforces exactly this.
 */
export function aclFor(agentId: string): AgentAcl {
  const publish = MESSAGE_KINDS.filter((k) => TOPIC_RULES[k].direction === 'agent->hub').map((k) =>
    topicFor(k, agentId),
  );
  const down = MESSAGE_KINDS.filter((k) => TOPIC_RULES[k].direction === 'hub->agent').map((k) =>
    topicFor(k, agentId),
  );
  return { publish, subscribe: [topics.downFilter(agentId), ...down] };
}

/** True when `agentId` may publish to `topic`. An invalid id may publish nowhere. */
export function canPublish(agentId: string, topic: string): boolean {
  if (!isValidAgentId(agentId)) return false;
  return aclFor(agentId).publish.includes(topic);
}

/** True when `agentId` may subscribe to `filter` (exact match: no other wildcard is granted). */
export function canSubscribe(agentId: string, filter: string): boolean {
  if (!isValidAgentId(agentId)) return false;
  return aclFor(agentId).subscribe.includes(filter);
}
