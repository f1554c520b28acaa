import type { ConfigKey, HubConfig } from '../config.js';

const BROKER_NEEDS = [
  'brokerUsername',
  'brokerPassword',
  'brokerAdminUsername',
  'brokerAdminPassword',
] as const;

/** Pure: the external broker's settings go together: all four credentials with brokerUrl, none without. */
export function brokerProblems(c: HubConfig): { key: ConfigKey; message: string }[] {
  const out: { key: ConfigKey; message: string }[] = [];
  if (c.brokerUrl) {
    for (const key of BROKER_NEEDS)
      if (c[key] === undefined) out.push({ key, message: 'required with brokerUrl (an external broker)' });
    if (c.brokerUsername !== undefined && c.brokerUsername === c.brokerAdminUsername)
      out.push({ key: 'brokerUsername', message: 'must differ from brokerAdminUsername (least privilege)' });
    return out;
  }
  for (const key of [...BROKER_NEEDS, 'brokerCaFile'] as const)
    if (c[key] !== undefined) out.push({ key, message: 'only applies with brokerUrl (an external broker)' });
  if (c.brokerAgentUrls.length > 0)
    out.push({ key: 'brokerAgentUrls', message: 'only applies with brokerUrl (an external broker)' });
  return out;
}
