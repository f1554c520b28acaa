import type { SnmpCredentials } from '@outpost/protocol';
import type { SecretBox } from '../crypto/secrets.js';
import type { CameraRow } from '../store/cameras.js';
import type { DeviceRow } from '../store/devices.js';

// How device and camera credentials are kept: non-secret SNMP settings as JSON, secrets encrypted with the
// hub's SecretBox. Decrypted values are for agent configs only, never for API responses or log lines.

/** Non-secret SNMP settings, stored in devices.snmp_json. */
export interface SnmpSettings {
  version: '1' | '2c' | '3';
  port: number;
  username?: string;
  security_level?: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  auth_protocol?: string;
  priv_protocol?: string;
  context?: string;
  timeout_ms?: number;
  retries?: number;
  has_community: boolean;
  has_auth_key: boolean;
  has_priv_key: boolean;
}

/** Secret SNMP settings, stored encrypted in devices.snmp_secret. */
export interface SnmpSecrets {
  community?: string;
  auth_key?: string;
  priv_key?: string;
}

/** What devices.snmp_json holds for a device that is not polled by SNMP (checks only). */
export const NO_SNMP = 'null';

/** The device's SNMP settings, or null for a device without SNMP (checks only: an ISP router, a website). */
export function parseSnmp(row: Pick<DeviceRow, 'snmp_json'>): SnmpSettings | null {
  return JSON.parse(row.snmp_json) as SnmpSettings | null;
}

/** Whether the device is polled by SNMP (otherwise its status follows its checks). */
export function hasSnmp(row: Pick<DeviceRow, 'snmp_json'>): boolean {
  return row.snmp_json !== NO_SNMP;
}

export function decryptSnmpSecrets(secrets: SecretBox, row: Pick<DeviceRow, 'snmp_secret'>): SnmpSecrets {
  return row.snmp_secret ? (JSON.parse(secrets.decrypt(row.snmp_secret)) as SnmpSecrets) : {};
}

/**
 * The device's SNMP settings with decrypted credentials, in the protocol's shape: for the agent config only,
 * never for an API response or a log line.
 */
export function deviceSnmpCredentials(
  secrets: SecretBox,
  row: DeviceRow,
): { port: number; timeout_ms?: number; retries?: number; snmp: SnmpCredentials } | null {
  const s = parseSnmp(row);
  if (!s) return null;
  const k = decryptSnmpSecrets(secrets, row);
  const base = { port: s.port, timeout_ms: s.timeout_ms, retries: s.retries };
  if (s.version !== '3') return { ...base, snmp: { version: s.version, community: k.community ?? '' } };
  return {
    ...base,
    snmp: {
      version: '3',
      username: s.username ?? '',
      security_level: s.security_level ?? 'noAuthNoPriv',
      auth_protocol: s.auth_protocol as never,
      auth_key: k.auth_key,
      priv_protocol: s.priv_protocol as never,
      priv_key: k.priv_key,
      context: s.context,
    },
  };
}

/** The camera's credentials in clear, for the agent config only (never an API response or a log line). */
export function cameraCredentials(
  secrets: SecretBox,
  row: CameraRow,
): { username?: string; password?: string } {
  return {
    ...(row.username ? { username: row.username } : {}),
    ...(row.password_secret ? { password: secrets.decrypt(row.password_secret) } : {}),
  };
}
