import type { HubConfig } from '../config.js';
import { TargetPolicy } from '../net/target-policy.js';

const policies = new WeakMap<object, TargetPolicy>();

/** The notification target policy of a hub's configuration (public addresses plus notifyAllowedNetworks). */
export function notifyTargets(config: Pick<HubConfig, 'notifyAllowedNetworks'>): TargetPolicy {
  let p = policies.get(config);
  if (!p) {
    p = new TargetPolicy(config.notifyAllowedNetworks);
    policies.set(config, p);
  }
  return p;
}
