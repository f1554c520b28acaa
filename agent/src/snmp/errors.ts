/** Why an SNMP request failed, as the poller needs to tell it apart. */
export type SnmpErrorCode =
  | 'timeout'
  | 'auth_failed'
  | 'too_big'
  | 'no_such_name'
  | 'request_failed'
  | 'invalid_response'
  | 'closed'
  | 'aborted'
  | 'network'
  | 'unsupported';

/** An SNMP failure with a code and, via `cause`, the library's original error. */
export class SnmpError extends Error {
  override name = 'SnmpError';
  constructor(
    readonly code: SnmpErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// net-snmp ResponseInvalidCode: 4 ECouldNotDecrypt, 5 EAuthFailure (USM reports, RFC 3414 3.2), 10 ECommunityNoMatch.
// The device's USM report (net-snmp's text) -> what it means, with the counter it names (RFC 3414 5).
const USM_REPORTS = new Map([
  [
    'Unsupported Security Level',
    'the user does not support this security level (usmStatsUnsupportedSecLevels)',
  ],
  ['Not In Time Window', 'not in time window (usmStatsNotInTimeWindows)'],
  ['Unknown User Name', 'unknown user name (usmStatsUnknownUserNames)'],
  ['Unknown Engine ID', 'unknown engine ID (usmStatsUnknownEngineIDs)'],
  [
    'Wrong Digest (incorrect password, community or key)',
    'wrong digest: auth key or protocol (usmStatsWrongDigests)',
  ],
  ['Decryption Error', 'decryption error: privacy key or protocol (usmStatsDecryptionErrors)'],
]);
const STATUS_TOO_BIG = 1;
const STATUS_NO_SUCH_NAME = 2;
const STATUS_AUTHORIZATION_ERROR = 16;

/** Maps an error from net-snmp (or dgram) to an `SnmpError` with a stable code and a short message. */
export function toSnmpError(err: unknown): SnmpError {
  if (err instanceof SnmpError) return err;
  const e = err as { name?: string; message?: string; code?: unknown; status?: unknown } | null;
  const message = e?.message ?? String(err);
  switch (e?.name) {
    case 'RequestTimedOutError':
      return new SnmpError('timeout', 'timeout', { cause: err });
    case 'ResponseInvalidError':
      // Fixed texts: net-snmp's own messages can quote the community or digests, which must not travel.
      if (e.code === 4)
        return new SnmpError(
          'auth_failed',
          'authentication failed: could not decrypt the response (privacy key?)',
          {
            cause: err,
          },
        );
      if (e.code === 10)
        return new SnmpError('auth_failed', 'authentication failed: the response has another community', {
          cause: err,
        });
      if (e.code === 5)
        return new SnmpError(
          'auth_failed',
          `authentication failed: ${USM_REPORTS.get(message) ?? 'wrong digest (auth key?)'}`,
          { cause: err },
        );
      return new SnmpError('invalid_response', `invalid response: ${message}`, { cause: err });
    case 'RequestFailedError':
      if (e.status === STATUS_TOO_BIG) return new SnmpError('too_big', 'response too big', { cause: err });
      if (e.status === STATUS_NO_SUCH_NAME) return new SnmpError('no_such_name', message, { cause: err });
      if (e.status === STATUS_AUTHORIZATION_ERROR)
        return new SnmpError('auth_failed', `authorization error: ${message}`, { cause: err });
      return new SnmpError('request_failed', `error status ${message}`, { cause: err });
  }
  // OpenSSL 3 moved DES to its legacy provider, which Node does not load by default.
  if (message.includes('digital envelope routines::unsupported'))
    return new SnmpError(
      'unsupported',
      'this Node.js cannot use DES privacy (OpenSSL legacy provider not loaded): use AES, or run node with --openssl-legacy-provider',
      { cause: err },
    );
  if (message === 'Socket forcibly closed') return new SnmpError('closed', 'session closed', { cause: err });
  return new SnmpError('network', message, { cause: err });
}
