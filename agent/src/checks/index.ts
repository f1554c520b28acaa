import { CHECK_KINDS, registry } from '@outpost/protocol';
import type { CheckUnit } from './types.js';

export { CheckError, type CheckOutput, type CheckUnit } from './types.js';

/** A check kind whose code is imported with the first check of that kind (the agent's memory budget). */
export interface LazyCheckUnit {
  kind: string;
  load(): Promise<CheckUnit>;
}

/** Builds the registry; refuses duplicates and kinds the protocol does not define (their params are unchecked). */
export function registerCheckUnits(units: readonly LazyCheckUnit[]): ReadonlyMap<string, LazyCheckUnit> {
  for (const u of units)
    if (!CHECK_KINDS.has(u.kind))
      throw new Error(`check unit for a kind the protocol does not define: ${u.kind}`);
  return registry('check unit', units, (u) => u.kind);
}

/** Every check kind this agent runs: one file each, one line here (and its params in protocol/src/checks). */
export const CHECK_UNITS = registerCheckUnits([
  { kind: 'icmp', load: async () => (await import('./icmp.js')).icmp },
  { kind: 'tcp', load: async () => (await import('./tcp.js')).tcp },
  { kind: 'http', load: async () => (await import('./http.js')).http },
  { kind: 'dns', load: async () => (await import('./dns.js')).dns },
]);
