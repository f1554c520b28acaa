import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { XMLParser } from 'fast-xml-parser';

/** WS-Discovery (2005/04, what ONVIF devices speak): multicast group and port. */
export const WSD_GROUP = '239.255.255.250';
export const WSD_PORT = 3702;

/** An ONVIF device's ProbeMatch. */
export interface OnvifMatch {
  ip: string;
  xaddrs: string[];
  types: string[];
  name?: string;
  hardware?: string;
  location?: string;
}

/** The Probe for ONVIF video transmitters (ONVIF Core 7.3), with its message id. */
export function probeMessage(messageId = `uuid:${randomUUID()}`): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"' +
    ' xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing"' +
    ' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"' +
    ' xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    `<e:Header><w:MessageID>${messageId}</w:MessageID>` +
    '<w:To e:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>' +
    '<w:Action e:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action>' +
    '</e:Header><e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></e:Envelope>'
  );
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  isArray: (name) => name === 'ProbeMatch',
});

const text = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'object' && v !== null && '#text' in v
      ? String((v as { '#text': unknown })['#text'])
      : '';
const words = (v: unknown): string[] => text(v).split(/\s+/).filter(Boolean);

function scope(scopes: string[], key: string): string | undefined {
  const prefix = `onvif://www.onvif.org/${key}/`;
  const hit = scopes.find((s) => s.toLowerCase().startsWith(prefix));
  if (!hit) return undefined;
  try {
    return decodeURIComponent(hit.slice(prefix.length)).slice(0, 255);
  } catch {
    return hit.slice(prefix.length).slice(0, 255);
  }
}

/**
 * Reads a ProbeMatches answer from `ip`; null when it is not one, answers another probe (RelatesTo), or holds
 * no match. Never throws on bad XML.
 */
export function parseProbeMatches(xml: string, ip: string, messageId?: string): OnvifMatch | null {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return null;
  }
  const env = doc.Envelope as
    | { Header?: Record<string, unknown>; Body?: Record<string, unknown> }
    | undefined;
  if (messageId && env?.Header && text(env.Header.RelatesTo) && text(env.Header.RelatesTo) !== messageId)
    return null;
  const matches = (env?.Body?.ProbeMatches as { ProbeMatch?: Record<string, unknown>[] } | undefined)
    ?.ProbeMatch;
  const m = matches?.[0];
  if (!m) return null;
  const scopes = words(m.Scopes);
  const out: OnvifMatch = {
    ip,
    xaddrs: words(m.XAddrs)
      .slice(0, 8)
      .map((x) => x.slice(0, 512)),
    types: words(m.Types)
      .slice(0, 8)
      .map((t) => t.slice(0, 128)),
  };
  const name = scope(scopes, 'name');
  const hardware = scope(scopes, 'hardware');
  const location = scope(scopes, 'location');
  if (name) out.name = name;
  if (hardware) out.hardware = hardware;
  if (location) out.location = location;
  return out;
}

/**
 * Sends one Probe out of each given local address (multicast TTL 1: it stays on that link) and gathers the
 * ProbeMatches for `listenMs`. Resolves with the matches by sender address and the probes sent.
 */
export async function wsDiscover(
  localAddresses: readonly string[],
  o: { listenMs: number; signal?: AbortSignal; group?: string; port?: number },
): Promise<{ matches: Map<string, OnvifMatch>; sent: number; errors: string[] }> {
  const matches = new Map<string, OnvifMatch>();
  const errors: string[] = [];
  let sent = 0;
  const sockets = await Promise.all(
    localAddresses.map(async (addr) => {
      const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
      const id = `uuid:${randomUUID()}`;
      socket.on('message', (msg, rinfo) => {
        const m = parseProbeMatches(msg.toString('utf8'), rinfo.address, id);
        if (m && !matches.has(m.ip)) matches.set(m.ip, m);
      });
      socket.on('error', (err) => errors.push(`WS-Discovery on ${addr}: ${err.message}`));
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(0, addr, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        socket.setMulticastInterface(addr);
        socket.setMulticastTTL(1);
        const probe = Buffer.from(probeMessage(id));
        await new Promise<void>((resolve, reject) =>
          socket.send(probe, o.port ?? WSD_PORT, o.group ?? WSD_GROUP, (err) =>
            err ? reject(err) : resolve(),
          ),
        );
        sent++;
      } catch (err) {
        errors.push(`WS-Discovery on ${addr}: ${(err as Error).message}`);
      }
      return socket;
    }),
  );
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.listenMs);
      o.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  } finally {
    for (const s of sockets) s.close();
  }
  return { matches, sent, errors };
}
