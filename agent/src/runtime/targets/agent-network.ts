import { defineTargetKind, type TargetKindFactory } from './types.js';

/** Where the agent itself sits (interfaces, gateways, neighbour table), on the same period, as `agent_network`. */
export const agentNetworkTargets: TargetKindFactory = ({ now, log }) =>
  defineTargetKind<{ id: number; every_ms: number }>({
    name: 'agent-network',
    targets: (config) =>
      config.intervals.topology_s > 0 && process.platform === 'linux'
        ? [{ id: 1, every_ms: config.intervals.topology_s * 1000 }]
        : [],
    intervalMs: (t) => t.every_ms,
    async run() {
      const { readAgentNetwork } = await import('../../topology/index.js');
      try {
        return { samples: [], events: [{ type: 'agent_network', ts: now(), ...(await readAgentNetwork()) }] };
      } catch (err) {
        log.warn({ err: String(err) }, 'reading the agent network failed');
        return null;
      }
    },
  });
