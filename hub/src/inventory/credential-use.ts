import type { Role } from '../auth/roles.js';
import type { SiteNetworks } from '../net/site-networks.js';

/** A device or camera about to reference a credential: who asks, whose set it is, where the agent will send it. */
export interface CredentialUse {
  role: Role | undefined;
  /** The set's site; null for a global set. */
  setSiteId: number | null;
  /** The target addresses (device ip_address; camera ip_address and rtsp_url host), each with its field. */
  targets: readonly { field: string; host: string }[];
}

/** Why a use is refused: 403 for a global set, 400 for a target outside the allowed networks. */
export interface CredentialRefusal {
  status: 400 | 403;
  field: string;
  message: string;
}

/**
 * Pure: whether a caller may make the agent send a stored credential to these targets. Admins may reference
 * any set at any address; others only their site's sets, at addresses inside discoveryAllowedNetworks (a host
 * name is refused: it could resolve anywhere).
 */
export function credentialUseRefusal(
  use: CredentialUse,
  networks: SiteNetworks,
): CredentialRefusal | undefined {
  if (use.role === 'admin') return undefined;
  if (use.setSiteId === null)
    return {
      status: 403,
      field: 'credential_id',
      message: 'the credential belongs to a global set: only an admin may reference it',
    };
  for (const t of use.targets) {
    if (!networks.containsAddress(t.host))
      return {
        status: 400,
        field: t.field,
        message: `with credential_id, ${networks.outside(t.host)}`,
      };
  }
  return undefined;
}
