import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The systemd unit the agent ships with. */
export const AGENT_UNIT = join(import.meta.dirname, '..', '..', 'agent', 'deploy', 'outpost-agent.service');

/**
 * The node flags of the unit's `ExecStart=/usr/bin/node <flags> .../outpost-agent.mjs run ...`; throws when the
 * line is not of that shape, so that benches and tests never silently run without them.
 */
export function agentUnitNodeFlags(unitText = readFileSync(AGENT_UNIT, 'utf8')): string[] {
  const m = /^ExecStart=\S*node((?: --\S+)*) \S+outpost-agent\.mjs run /m.exec(unitText);
  const flags = m?.[1]?.trim().split(' ').filter(Boolean) ?? [];
  if (flags.length === 0) throw new Error(`no node flags in the ExecStart of ${AGENT_UNIT}`);
  return flags;
}
