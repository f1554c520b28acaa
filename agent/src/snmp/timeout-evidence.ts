import type { SnmpCredentials } from '@outpost/protocol';
import type { TimeoutFacts } from './diagnose.js';
import { toSnmpError } from './errors.js';
import type { SnmpTarget, SnmpTransport } from './types.js';

/**
 * One ICMP echo to `host`: true on a reply, false on none, undefined when the agent cannot ping (no fping, no
 * privilege). Never rejects.
 */
export type PingProbe = (host: string, timeoutMs: number) => Promise<boolean | undefined>;

/** Other communities tried on a device that times out, at most (each costs one GET, all sent at once). */
export const MAX_OTHER_COMMUNITIES = 3;
/** The longest wait for each piece of evidence, whatever the device's own timeout. */
export const EVIDENCE_TIMEOUT_MS = 1_500;
/** sysObjectID.0: what every SNMP agent has, asked with the other communities. */
const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';

export interface EvidenceDeps {
  transport: SnmpTransport;
  ping?: PingProbe | undefined;
}

/**
 * The v1/v2c communities to try on a device that times out: the site's, without the device's own, one
 * request each (the first of a community kept), at most MAX_OTHER_COMMUNITIES.
 */
export function otherCommunities(
  own: SnmpCredentials,
  site: readonly SnmpCredentials[],
): Extract<SnmpCredentials, { version: '1' | '2c' }>[] {
  const seen = new Set<string>(own.version === '3' ? [] : [own.community]);
  const out: Extract<SnmpCredentials, { version: '1' | '2c' }>[] = [];
  for (const c of site) {
    if (c.version === '3' || seen.has(c.community)) continue;
    seen.add(c.community);
    out.push(c);
    if (out.length === MAX_OTHER_COMMUNITIES) break;
  }
  return out;
}

/**
 * Looks for what tells a silent device apart from a dead host, bounded: one engine-discovery request; when no
 * engine answers, at once a GET of sysObjectID with each other community (MAX_OTHER_COMMUNITIES at most, no
 * retry) and one ICMP echo. Every wait is at most EVIDENCE_TIMEOUT_MS. Only communities of the device's own site
 * go to its address; none is ever logged or reported.
 */
export async function gatherTimeoutFacts(
  target: SnmpTarget,
  deps: EvidenceDeps,
  site: readonly SnmpCredentials[] = [],
): Promise<TimeoutFacts> {
  const facts: TimeoutFacts = { version: target.credentials.version };
  const timeoutMs = Math.min(target.timeoutMs, EVIDENCE_TIMEOUT_MS);
  if (deps.transport.probeEngine) {
    try {
      facts.engineAnswers = await deps.transport.probeEngine({ ...target, timeoutMs });
    } catch {
      // no verdict from this probe: the others still count
    }
  }
  if (facts.engineAnswers === true) return facts;
  const others = otherCommunities(target.credentials, site);
  const [other, ping] = await Promise.all([
    others.length === 0 ? undefined : anyAnswers(deps.transport, target, others, timeoutMs),
    deps.ping ? deps.ping(target.host, timeoutMs).catch(() => undefined) : undefined,
  ]);
  if (other !== undefined) facts.otherCommunityAnswers = other;
  if (ping !== undefined) facts.pingReplies = ping;
  return facts;
}

/** Whether the device answers a GET with any of `others` (sessions of their own, closed afterwards). */
async function anyAnswers(
  transport: SnmpTransport,
  target: SnmpTarget,
  others: readonly SnmpCredentials[],
  timeoutMs: number,
): Promise<boolean> {
  const answers = await Promise.all(
    others.map(async (credentials, i) => {
      const id = `${target.id}/other-community-${i}`;
      try {
        await transport.get({ ...target, id, credentials, timeoutMs, retries: 0 }, [SYS_OBJECT_ID]);
        return true;
      } catch (err) {
        // An error status in a response still means that the agent took the community.
        const code = toSnmpError(err).code;
        return code === 'no_such_name' || code === 'request_failed' || code === 'too_big';
      } finally {
        transport.forget(id);
      }
    }),
  );
  return answers.some(Boolean);
}
