/** The WebSocket origin (`ws://host:port` or `wss://host:port`) of the hub an agent enrolled with. */
export function hubWsOrigin(hubUrl: string): string {
  const hub = new URL(hubUrl);
  const scheme = hub.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${hub.host}`;
}

/**
 * Pure: where the agent may push a live view. A path (`/api/v1/...`) is taken on the hub the agent enrolled
 * with; a full URL must be on that same hub (scheme, host and port, with http -> ws and https -> wss).
 * Anything else is refused: a push URL elsewhere would send the camera's stream to a stranger, or make the
 * agent probe hosts of its own network for whoever can start a live view.
 */
export function resolvePushUrl(
  pushUrl: string,
  hubUrl: string,
): { ok: true; url: string } | { ok: false; reason: string } {
  let origin: string;
  try {
    origin = hubWsOrigin(hubUrl);
  } catch {
    return { ok: false, reason: `this agent's hub URL ${hubUrl} is not a URL` };
  }
  let url: URL;
  try {
    url = pushUrl.startsWith('/') && !pushUrl.startsWith('//') ? new URL(pushUrl, origin) : new URL(pushUrl);
  } catch {
    return { ok: false, reason: 'the push URL is not a URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'the push URL carries credentials' };
  const where = `${url.protocol}//${url.host}`;
  if (where !== origin) {
    return {
      ok: false,
      reason: `refusing to push to ${where}: not this agent's hub (${origin}); live views go only to the hub it enrolled with`,
    };
  }
  return { ok: true, url: url.toString() };
}
