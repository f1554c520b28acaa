/** Which of the hub's two broker connections failed: its own client or the dynamic-security admin. */
export type BrokerConnection = 'hub' | 'admin';

// Node's TLS verification codes (OpenSSL's X509_V_ERR_* names) that mean "this CA is not trusted here".
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

/**
 * The setting to look at when a first connection to the external broker fails, as ` (...)` to append to the
 * error, or '' when the error says enough. `code` is the MQTT CONNACK reason (3.1.1 return code or 5.0 reason
 * code) or Node's error code.
 */
export function brokerConnectHint(code: number | string | undefined, who: BrokerConnection): string {
  if (code === 4 || code === 5 || code === 134 || code === 135) {
    return ` (check ${who === 'hub' ? 'brokerUsername/brokerPassword' : 'brokerAdminUsername/brokerAdminPassword'})`;
  }
  if (typeof code !== 'string') return '';
  if (UNTRUSTED.has(code)) {
    return " (the broker's certificate is not signed by a CA this hub trusts: set brokerCaFile to its CA's PEM file)";
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return " (the broker's certificate does not name the host in brokerUrl: use a name it holds)";
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return " (the broker's certificate is outside its validity period)";
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return ' (check brokerUrl: host and port of a listener)';
  }
  return '';
}
