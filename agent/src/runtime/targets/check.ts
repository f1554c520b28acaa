import type { CheckConfig } from '@outpost/protocol';
import { defineTargetKind, eventStatus, type TargetKindFactory } from './types.js';

/** Checks (icmp, tcp, http, dns, ...) on devices, each kind's code loaded with its first check. */
export const checkTargets: TargetKindFactory = ({ checks }) =>
  defineTargetKind<CheckConfig>({
    name: 'check',
    targets: (config) => (checks ? config.checks : []),
    intervalMs: (c) => c.interval_s * 1000,
    async run(c) {
      if (!checks) throw new Error('checks are not available on this agent');
      return checks.run(c);
    },
    tracked: {
      list: 'checks',
      describe: (c) => ({
        id: c.id,
        name: `${c.name} (${c.kind})`,
        address: checks?.target(c) ?? c.kind,
        interval_s: c.interval_s,
      }),
      status: (o) =>
        eventStatus(o, 'check_state', (e) =>
          typeof e.response_ms === 'number' ? `${e.response_ms.toFixed(1)} ms` : undefined,
        ),
    },
    unavailable: (config) =>
      !checks && config.checks.length > 0
        ? `${config.checks.length} checks configured but checks are not available`
        : null,
  });
