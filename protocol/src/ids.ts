import { LIMITS } from './limits.js';

// Letters, digits, '-', '_' and '.'; never MQTT wildcards ('+', '#'), the level separator '/', or a leading
// '$' (reserved for broker topics, [MQTT-4.7.2-1]).
const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Why `id` is not a valid agent id, or `null` when it is one. */
export function agentIdProblem(id: unknown): string | null {
  if (typeof id !== 'string') return 'agent id must be a string';
  if (id.length === 0) return 'agent id must not be empty';
  if (id.length > LIMITS.agentIdLength) return `agent id is longer than ${LIMITS.agentIdLength} characters`;
  if (!AGENT_ID.test(id)) {
    return 'agent id may hold only letters, digits, "-", "_" and "." and must start with a letter or digit';
  }
  return null;
}

/** True when `id` can be used as an agent id in topics and as an MQTT client id. */
export function isValidAgentId(id: unknown): id is string {
  return agentIdProblem(id) === null;
}
