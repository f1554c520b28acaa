import * as z from 'zod';
import { Host, Port } from './common.js';
import { defineCheckKind } from './types.js';

/** A TCP connect to host:port. */
export const tcp = defineCheckKind({
  kind: 'tcp',
  description: 'TCP connect to host:port: open or not, and how long the handshake took',
  params: z.object({ host: Host, port: Port }).strict(),
  target: (p) => (p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`),
  metrics: [{ name: 'tcp_connect_ms', unit: 'ms', description: 'time to complete the TCP handshake' }],
});
