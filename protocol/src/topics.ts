import { agentIdProblem } from './ids.js';

/** Every topic starts with this prefix, followed by the agent id. */
export const TOPIC_PREFIX = 'outpost/v1/agents';

/** Message kinds and the topic suffix each travels on. */
export const TOPIC_SUFFIX = {
  status: 'status',
  batch: 'up/batch',
  result: 'up/result',
  snapshot: 'up/snapshot',
  ack: 'down/ack',
  config: 'down/config',
  command: 'down/cmd',
} as const;

export type MessageKind = keyof typeof TOPIC_SUFFIX;
export const MESSAGE_KINDS = Object.keys(TOPIC_SUFFIX) as MessageKind[];

/** Who publishes each kind, with its QoS and retained flag (the table in DESIGN.md and protocol/README.md). */
export const TOPIC_RULES: Record<
  MessageKind,
  { direction: 'agent->hub' | 'hub->agent'; qos: 1; retain: boolean }
> = {
  status: { direction: 'agent->hub', qos: 1, retain: true },
  batch: { direction: 'agent->hub', qos: 1, retain: false },
  result: { direction: 'agent->hub', qos: 1, retain: false },
  snapshot: { direction: 'agent->hub', qos: 1, retain: false },
  ack: { direction: 'hub->agent', qos: 1, retain: false },
  config: { direction: 'hub->agent', qos: 1, retain: true },
  command: { direction: 'hub->agent', qos: 1, retain: false },
};

const KIND_BY_SUFFIX = new Map<string, MessageKind>(
  MESSAGE_KINDS.map((kind) => [TOPIC_SUFFIX[kind], kind] as [string, MessageKind]),
);

/** Thrown by topic builders when given an invalid agent id (a programming error, not input). */
export class InvalidAgentIdError extends Error {
  readonly code = 'invalid_agent_id';
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidAgentIdError';
  }
}

/** The topic on which `kind` travels for `agentId`. Throws InvalidAgentIdError for a bad id. */
export function topicFor(kind: MessageKind, agentId: string): string {
  const problem = agentIdProblem(agentId);
  if (problem) throw new InvalidAgentIdError(problem);
  return `${TOPIC_PREFIX}/${agentId}/${TOPIC_SUFFIX[kind]}`;
}

/** Shortcuts for each topic. */
export const topics = {
  status: (agentId: string) => topicFor('status', agentId),
  batch: (agentId: string) => topicFor('batch', agentId),
  result: (agentId: string) => topicFor('result', agentId),
  snapshot: (agentId: string) => topicFor('snapshot', agentId),
  ack: (agentId: string) => topicFor('ack', agentId),
  config: (agentId: string) => topicFor('config', agentId),
  command: (agentId: string) => topicFor('command', agentId),
  /** The filter an agent subscribes to for everything addressed to it. */
  downFilter: (agentId: string) => `${topicFor('status', agentId).slice(0, -'status'.length)}down/#`,
};

/** Subscription filters the hub uses to receive from every agent. */
export const HUB_FILTERS = {
  status: `${TOPIC_PREFIX}/+/status`,
  batch: `${TOPIC_PREFIX}/+/up/batch`,
  result: `${TOPIC_PREFIX}/+/up/result`,
  snapshot: `${TOPIC_PREFIX}/+/up/snapshot`,
} as const;

export type ParsedTopic = { ok: true; agentId: string; kind: MessageKind } | { ok: false; reason: string };

/** Splits a concrete topic into agent id and message kind. Never throws. */
export function parseTopic(topic: unknown): ParsedTopic {
  if (typeof topic !== 'string') return { ok: false, reason: 'topic must be a string' };
  const prefix = `${TOPIC_PREFIX}/`;
  if (!topic.startsWith(prefix)) return { ok: false, reason: `topic does not start with "${prefix}"` };
  const rest = topic.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return { ok: false, reason: 'topic has no message kind after the agent id' };
  const agentId = rest.slice(0, slash);
  const problem = agentIdProblem(agentId);
  if (problem) return { ok: false, reason: problem };
  const kind = KIND_BY_SUFFIX.get(rest.slice(slash + 1));
  if (!kind) return { ok: false, reason: `unknown topic suffix "${rest.slice(slash + 1)}"` };
  return { ok: true, agentId, kind };
}
