import type { CredentialSetConfig, SnmpCredentials } from '@outpost/protocol';
import type { SecretBox } from '../crypto/secrets.js';
import type { CredentialRow, CredentialSetRow } from '../store/credentials.js';

// Stored credential set entries as the agent config carries them (with secrets: for the agent only) and as a
// device references one (settings only).

type SnmpPublic = Omit<SnmpCredentials, 'community' | 'auth_key' | 'priv_key'> & Record<string, unknown>;
type SnmpSecret = { community?: string; auth_key?: string; priv_key?: string };

/** A stored SNMP credential with its secrets, in the protocol's shape: for the agent config only. */
export function snmpCredentialOf(box: Pick<SecretBox, 'decrypt'>, row: CredentialRow): SnmpCredentials {
  const settings = JSON.parse(row.settings) as SnmpPublic;
  const keys: SnmpSecret = row.secret ? (JSON.parse(box.decrypt(row.secret)) as SnmpSecret) : {};
  return { ...settings, ...keys } as SnmpCredentials;
}

/** A stored camera login with its password: for the agent config only. */
export function cameraCredentialOf(
  box: Pick<SecretBox, 'decrypt'>,
  row: CredentialRow,
): { username: string; password: string } {
  return {
    username: (JSON.parse(row.settings) as { username: string }).username,
    password: row.secret ? box.decrypt(row.secret) : '',
  };
}

/** A site's credential sets (its own, then the global ones) as `down/config` carries them. */
export function credentialSetsForConfig(
  box: Pick<SecretBox, 'decrypt'>,
  sets: readonly CredentialSetRow[],
  entries: readonly CredentialRow[],
): CredentialSetConfig[] {
  return sets.map((s) => {
    const mine = entries.filter((e) => e.set_id === s.id);
    return {
      id: s.id,
      name: s.name,
      snmp: mine.filter((e) => e.kind === 'snmp').map((e) => ({ id: e.id, snmp: snmpCredentialOf(box, e) })),
      camera: mine
        .filter((e) => e.kind === 'camera')
        .map((e) => ({ id: e.id, ...cameraCredentialOf(box, e) })),
    };
  });
}

/** The non-secret SNMP settings a device stores when it references a credential (secrets stay with it). */
export function snmpSettingsOf(
  row: CredentialRow,
  device: { port?: number; timeout_ms?: number; retries?: number },
) {
  const s = JSON.parse(row.settings) as SnmpPublic;
  const keys: SnmpSecret = {};
  return {
    ...(s as Record<string, unknown>),
    version: s.version,
    port: device.port ?? 161,
    ...(device.timeout_ms !== undefined ? { timeout_ms: device.timeout_ms } : {}),
    ...(device.retries !== undefined ? { retries: device.retries } : {}),
    has_community: !!keys.community,
    has_auth_key: !!keys.auth_key,
    has_priv_key: !!keys.priv_key,
  };
}
