import { parseRoute } from '../../notify/channel-routes.js';
import type { ChannelRow, RouteRow } from '../../store/channels.js';

/** The API representation: settings and routes, and only the NAMES of the secret fields that are set. */
export function channelToApi(c: ChannelRow, routes: readonly RouteRow[], secretKeys: string[]) {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    enabled: c.enabled === 1,
    min_severity: c.min_severity,
    daily_summary: c.daily_summary === 1,
    config: JSON.parse(c.config) as Record<string, unknown>,
    secrets_set: secretKeys,
    routes: routes.map(parseRoute),
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}
