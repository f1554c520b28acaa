import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * The connection to an `mqtt://` (or `tcp://`) or `mqtts://` (or `ssl://`) broker URL, opened by the agent itself:
 * `mqtt.connect()` would load every transport it knows (WebSocket, SOCKS proxy), about 4 MB of memory on an agent
 * that uses one. Null for `ws://` and `wss://`, which go through `mqtt.connect()`.
 * TLS verifies the hub's certificate against the system's CAs (or NODE_EXTRA_CA_CERTS) and its name.
 */
export function brokerStream(url: string): (() => Duplex) | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  switch (u.protocol) {
    case 'mqtt:':
    case 'tcp:':
      return () => net.connect({ host, port: Number(u.port || 1883) });
    case 'mqtts:':
    case 'ssl:':
      return () =>
        tls.connect({
          host,
          port: Number(u.port || 8883),
          ...(net.isIP(host) === 0 ? { servername: host } : {}),
          rejectUnauthorized: true,
        });
    default:
      return null;
  }
}

/**
 * The broker URL an agent uses among those its hub offered at enrollment: the first TLS one (`mqtts://`,
 * `ssl://`, `wss://`), else the first. Over plain MQTT anyone on the path reads the agent's secret and the
 * device credentials in its config, so an identity that lists both never uses the plain one.
 */
export function preferredBrokerUrl(urls: readonly string[]): string {
  return urls.find((u) => /^(mqtts|ssl|wss):\/\//i.test(u)) ?? urls[0] ?? '';
}
