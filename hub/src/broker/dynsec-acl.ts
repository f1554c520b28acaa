import { aclFor, HUB_FILTERS, TOPIC_PREFIX } from '@outpost/protocol';

/** One ACL entry of Mosquitto's dynamic-security plugin (`addRoleACL` / `createRole`'s `acls`). */
export interface DynsecAcl {
  acltype:
    | 'publishClientSend'
    | 'publishClientReceive'
    | 'subscribeLiteral'
    | 'subscribePattern'
    | 'unsubscribeLiteral'
    | 'unsubscribePattern';
  topic: string;
  allow: boolean;
  priority?: number;
}

/** The role the hub gives an agent's broker client: one per agent, named after it. */
export function agentRoleName(agentId: string): string {
  return `outpost-agent-${agentId}`;
}

/**
 * Pure: protocol's `aclFor` as dynamic-security ACLs. Publishing needs an explicit allow (the plugin's default
 * denies `publishClientSend`), subscribing is literal (the exact filters of `aclFor`, no wildcard matching),
 * so an agent publishes only its own `status` and `up/*` and subscribes only to its own `down/*`.
 */
export function agentAcls(agentId: string): DynsecAcl[] {
  const acl = aclFor(agentId);
  return [
    ...acl.publish.map((topic): DynsecAcl => ({ acltype: 'publishClientSend', topic, allow: true })),
    ...acl.subscribe.map((topic): DynsecAcl => ({ acltype: 'subscribeLiteral', topic, allow: true })),
  ];
}

/** The subscription filter the hubs of one share group use for `filter` ([MQTT-4.8.2] shared subscriptions). */
export function sharedFilter(group: string, filter: string): string {
  return `$share/${group}/${filter}`;
}

/**
 * Pure: the least the hub's own client needs: its shared subscriptions (Mosquitto 2.0 checks the ACL against
 * the whole `$share/<group>/...` filter, so they are literal) and publishing to agents' `down/*` topics. It
 * cannot publish as an agent, read `$CONTROL` or subscribe outside its group.
 */
export function hubAcls(group: string): DynsecAcl[] {
  return [
    ...Object.values(HUB_FILTERS).map(
      (f): DynsecAcl => ({ acltype: 'subscribeLiteral', topic: sharedFilter(group, f), allow: true }),
    ),
    { acltype: 'publishClientSend', topic: `${TOPIC_PREFIX}/+/down/#`, allow: true },
  ];
}

/** The role of the hub's own client. */
export const HUB_ROLE = 'outpost-hub';

/** True when `topic` matches the MQTT filter `filter` (`+` one level, `#` the rest) [MQTT-4.7]. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i < t.length || i === t.length;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
