import type { Role } from '../../auth/roles.js';
import { credentialUseRefusal } from '../../inventory/credential-use.js';
import type { SiteNetworks } from '../../net/site-networks.js';
import type { PlannedLine } from './plan.js';

interface Target {
  id: number;
  ip_address: string;
  rtsp_url?: string;
  credential_id: number | null;
}

/** The host of an RTSP URL (brackets of an IPv6 literal removed), or the text itself when it does not parse. */
function rtspHost(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return url;
  }
}

/**
 * Pure: refuses, in place, the planned lines that make a credential reference the caller may not make
 * (credentialUseRefusal: a global set without the admin role, a target outside discoveryAllowedNetworks).
 * A line that keeps an existing reference at the same address (and RTSP host) is left alone.
 */
export function guardCredentialUse(
  lines: PlannedLine<Omit<Target, 'id'>>[],
  existing: readonly Target[],
  role: Role | undefined,
  credentials: readonly { id: number; site_id: number | null }[],
  networks: SiteNetworks,
): void {
  for (const l of lines) {
    const w = l.write;
    if (!w || w.credential_id === null || (l.action !== 'create' && l.action !== 'update')) continue;
    const before = l.id === undefined ? undefined : existing.find((e) => e.id === l.id);
    if (
      before &&
      before.credential_id === w.credential_id &&
      before.ip_address === w.ip_address &&
      (w.rtsp_url === undefined || rtspHost(w.rtsp_url) === rtspHost(before.rtsp_url ?? ''))
    )
      continue;
    const setSiteId = credentials.find((c) => c.id === w.credential_id)?.site_id ?? null;
    const targets = [{ field: 'ip_address', host: w.ip_address }];
    if (w.rtsp_url !== undefined) targets.push({ field: 'rtsp_url', host: rtspHost(w.rtsp_url) });
    const r = credentialUseRefusal({ role, setSiteId, targets }, networks);
    if (!r) continue;
    l.errors.push({ field: r.field, message: r.message });
    l.action = 'refused';
    delete l.write;
  }
}
