import { canPublish, canSubscribe, isValidAgentId } from '@outpost/protocol';
import { checkAgentCredentials } from '../auth/agent-credentials.js';
import type { AgentRepo } from '../store/agents.js';

/** MQTT 3.1.1 CONNACK return codes used by the broker ([MQTT-3.2.2-3]). */
export const CONNACK = {
  identifierRejected: 2,
  badUsernameOrPassword: 4,
  notAuthorized: 5,
} as const;

export type AuthDecision = { ok: true; siteId: number } | { ok: false; returnCode: number; reason: string };

/**
 * Decides a CONNECT: the client id is the agent id, the username (when given) must equal it, the password is
 * the agent's secret. An unknown agent and a wrong secret get the same answer (4) so that ids cannot be
 * probed; a revoked agent with its right secret gets "not authorized" (5).
 */
export async function authenticateAgent(
  agents: Pick<AgentRepo, 'withSecret'>,
  clientId: string,
  username: string | undefined,
  password: Buffer | undefined,
): Promise<AuthDecision> {
  if (!isValidAgentId(clientId)) {
    return { ok: false, returnCode: CONNACK.identifierRejected, reason: 'invalid client id' };
  }
  if (username !== undefined && username !== clientId) {
    return { ok: false, returnCode: CONNACK.badUsernameOrPassword, reason: 'username is not the client id' };
  }
  const check = await checkAgentCredentials(agents, clientId, password);
  if (check.ok) return { ok: true, siteId: check.agent.site_id };
  if (check.reason === 'revoked')
    return { ok: false, returnCode: CONNACK.notAuthorized, reason: 'agent revoked' };
  return {
    ok: false,
    returnCode: CONNACK.badUsernameOrPassword,
    reason: check.reason === 'unknown' ? 'unknown agent' : 'wrong secret',
  };
}

/** Publishing is exactly the protocol's ACL for the connected agent (nothing under $SYS, nothing of others). */
export function mayPublish(clientId: string, topic: string): boolean {
  return canPublish(clientId, topic);
}

/** Subscribing is exactly the protocol's ACL: the agent's own down/# or one of its down/* topics. */
export function maySubscribe(clientId: string, filter: string): boolean {
  return canSubscribe(clientId, filter);
}
