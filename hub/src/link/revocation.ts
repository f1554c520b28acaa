import type { MessageBus } from '../broker/bus.js';
import type { AgentRepo } from '../store/agents.js';
import type { AgentSites } from './agent-sites.js';
import type { Presence } from './presence.js';

export interface RevocationDeps {
  agents: Pick<AgentRepo, 'revoke'>;
  sites: Pick<AgentSites, 'forget'>;
  bus: Pick<MessageBus, 'kick'>;
  presence: Pick<Presence, 'markRevoked'>;
  clock: () => number;
}

/** Revokes agents: refused from now on, the live connection closed at once, marked offline. */
export class Revocation {
  constructor(private readonly deps: RevocationDeps) {}

  /** False when the agent is unknown or was revoked already. */
  async revoke(agentId: string): Promise<boolean> {
    const { agents, sites, bus, presence, clock } = this.deps;
    const now = clock();
    const done = await agents.revoke(agentId, now);
    if (!done) return false;
    sites.forget(agentId);
    await bus.kick(agentId);
    await presence.markRevoked(agentId, now);
    return true;
  }
}
