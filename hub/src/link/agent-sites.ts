import type { AgentRepo } from '../store/agents.js';

/** The site of each agent, cached: agents never change site; a revoked agent has none. */
export class AgentSites {
  readonly #sites = new Map<string, number>();

  constructor(private readonly agents: Pick<AgentRepo, 'get'>) {}

  /** The site of an agent, or undefined when unknown or revoked. */
  async siteOf(agentId: string): Promise<number | undefined> {
    const cached = this.#sites.get(agentId);
    if (cached !== undefined) return cached;
    const row = await this.agents.get(agentId);
    if (!row || row.revoked_at !== null) return undefined;
    this.#sites.set(agentId, row.site_id);
    return row.site_id;
  }

  /** Forgets what is cached of an agent (revocation). */
  forget(agentId: string): void {
    this.#sites.delete(agentId);
  }
}
