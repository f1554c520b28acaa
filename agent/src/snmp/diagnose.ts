/** What is known about a device that timed out with its own credentials. */
export interface TimeoutFacts {
  version: '1' | '2c' | '3';
  /**
   * Whether an SNMP engine answered at the device's address without credentials (SNMPv3 engine discovery,
   * RFC 3414 4): true, false, or undefined when not probed (no probe available, or the probe failed).
   */
  engineAnswers?: boolean;
  /**
   * Whether the address answered a GET with another v1/v2c community of the device's site (its credential sets,
   * its other devices): undefined when there was none to try.
   */
  otherCommunityAnswers?: boolean;
  /** Whether the address answered one ICMP echo: undefined when the agent cannot ping (no fping, no privilege). */
  pingReplies?: boolean;
}

/** The status and reason of a device that timed out. */
export interface TimeoutVerdict {
  status: 'auth_failed' | 'unreachable';
  error: string;
}

/** How long a diagnosis holds while the device keeps timing out (it costs a few more packets per probe). */
export const DIAGNOSIS_TTL_MS = 10 * 60_000;

/**
 * Pure: the status and reason of a device whose poll timed out. SNMPv1/v2c agents drop requests with a wrong
 * community without a word (RFC 3584 4: snmpInBadCommunityNames counts them), so a timeout alone cannot tell a
 * wrong community from a dead host. The evidence, strongest first:
 * - the address answers SNMPv3 engine discovery: an SNMP agent is there and ignores this community (or, for a
 *   v3 device, cannot decrypt the request: a wrong privacy key; a wrong user or auth key gets a USM report and
 *   is `auth_failed` before any diagnosis);
 * - it answers another community of the site: an SNMP agent is there, and this community is not one it takes;
 * - it answers ping: the host is up but SNMP stays silent (wrong community, SNMP off, or an access list). It
 *   stays `unreachable`, since nothing proves that an SNMP agent listens, but the reason says where to look;
 * - nothing answers, ping included: the host is down or filtered.
 * Reasons never name a community or a key.
 */
export function explainTimeout(facts: TimeoutFacts, detail = 'timeout'): TimeoutVerdict {
  const v3 = facts.version === '3';
  if (facts.engineAnswers === true)
    return {
      status: 'auth_failed',
      error: v3
        ? 'no answer with these SNMPv3 credentials: the SNMP engine answers discovery, so the privacy key or ' +
          'protocol is probably wrong (the agent cannot decrypt the request and drops it)'
        : 'no answer with this community: an SNMP agent answers at this address (SNMPv3 engine discovery), ' +
          "so the community is wrong or not allowed from this agent's address",
    };
  if (facts.otherCommunityAnswers === true)
    return {
      status: 'auth_failed',
      error: v3
        ? 'no answer with these SNMPv3 credentials: the device answers another community of this site over ' +
          'SNMPv1/v2c but not SNMPv3 engine discovery, so SNMPv3 is probably not enabled on it'
        : 'no answer with this community: the device answers another community of this site, not this one ' +
          "(wrong community, or not allowed from this agent's address)",
    };
  const noEngine = facts.engineAnswers === false;
  if (facts.pingReplies === true)
    return {
      status: 'unreachable',
      error:
        `${detail}: answers ping but not SNMP: ` +
        (v3 ? 'SNMP disabled or an access list' : 'wrong community, SNMP disabled or an access list') +
        (noEngine ? ' (no answer to SNMPv3 engine discovery either)' : ''),
    };
  if (facts.pingReplies === false)
    return {
      status: 'unreachable',
      error: noEngine
        ? `${detail}: no SNMP answer at this address, not even to SNMPv3 engine discovery, and no reply to ping (host down, or UDP and ICMP filtered)`
        : `${detail}: no reply to ping either (host down, or ICMP filtered)`,
    };
  if (noEngine)
    return {
      status: 'unreachable',
      error: `${detail}: no SNMP answer at this address, not even to SNMPv3 engine discovery (host down, SNMP disabled, or UDP filtered)`,
    };
  return { status: 'unreachable', error: detail };
}
