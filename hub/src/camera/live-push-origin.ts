import type { HubConfig } from '../config.js';

/** `scheme://host[:port]` of an http(s) or ws(s) URL, with ws mapped to http; undefined when it is not a URL. */
function originOf(url: string): string | undefined {
  try {
    const u = new URL(url.replace(/^ws/i, 'http'));
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

/**
 * Pure: livePushUrl must share publicUrl's origin (scheme, host and port). Agents enroll with publicUrl and
 * push a live view only to that origin (a push URL elsewhere is refused: it could send the camera anywhere),
 * so with several hubs each one gets its own path on the load balancer, not its own host or port.
 */
export function livePushProblems(
  c: Pick<HubConfig, 'publicUrl' | 'livePushUrl'>,
): { key: 'livePushUrl'; message: string }[] {
  if (c.livePushUrl === undefined || c.publicUrl === undefined) return [];
  const want = originOf(c.publicUrl);
  if (want === undefined || originOf(c.livePushUrl) === want) return [];
  return [
    {
      key: 'livePushUrl',
      message:
        `must be on publicUrl's origin (${want}): agents push live views only to the hub origin they enrolled ` +
        `with; give this hub a path there that the load balancer routes to it (e.g. ${want}/hub-2)`,
    },
  ];
}
