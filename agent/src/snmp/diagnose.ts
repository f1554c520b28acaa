/** What is known about a device that timed out with its own credentials. */
export interface TimeoutFacts {
  version: '1' | '2c' | '3';
  /**
   * Whether an SNMP engine answered at the device's address without credentials (SNMPv3 engine discovery,
   * RFC 3414 4): true, false, or undefined when not probed (no probe available, or a v3 device).
   */
  engineAnswers?: boolean;
}

/** How long a diagnosis holds while the device keeps timing out (it costs one more request per probe). */
export const DIAGNOSIS_TTL_MS = 10 * 60_000;

/**
 * Pure: the status and reason of a device whose poll timed out. SNMPv1/v2c agents drop requests with a wrong
 * community without a word (RFC 3584 4: snmpInBadCommunityNames counts them), so a timeout alone cannot tell a
 * wrong community from a dead host. When the same address answers SNMPv3 engine discovery, an SNMP agent is
 * there and ignores this community: `auth_failed`, with the reason. A v3 device with a wrong user or auth key
 * answers with a USM report (`auth_failed` already); one with a wrong privacy key cannot decrypt the request and
 * drops it, so the same probe tells that apart from a dead host.
 */
export function explainTimeout(
  facts: TimeoutFacts,
  detail = 'timeout',
): { status: 'auth_failed' | 'unreachable'; error: string } {
  if (facts.version === '3' && facts.engineAnswers === true)
    return {
      status: 'auth_failed',
      error:
        'no answer with these SNMPv3 credentials: the SNMP engine answers discovery, so the privacy key or ' +
        'protocol is probably wrong (the agent cannot decrypt the request and drops it)',
    };
  if (facts.engineAnswers === true)
    return {
      status: 'auth_failed',
      error:
        'no answer with this community: an SNMP agent answers at this address (SNMPv3 engine discovery), ' +
        "so the community is wrong or not allowed from this agent's address",
    };
  if (facts.engineAnswers === false)
    return {
      status: 'unreachable',
      error: `${detail}: no SNMP answer at this address, not even to SNMPv3 engine discovery (host down, SNMP disabled, or UDP filtered)`,
    };
  return { status: 'unreachable', error: detail };
}
