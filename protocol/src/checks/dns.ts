import * as z from 'zod';
import { Host, IpAddress, Port } from './common.js';
import { defineCheckKind } from './types.js';

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SRV', 'TXT'] as const;

/** A DNS query against a given server. */
export const dns = defineCheckKind({
  kind: 'dns',
  description: 'DNS query for a name against a given server: answers and response time',
  params: z
    .object({
      name: Host,
      server: IpAddress,
      port: Port.default(53),
      record_type: z.enum(DNS_RECORD_TYPES).default('A'),
      /** An answer that must be among the answers (an address, a host name, text). */
      expect: z.string().min(1).max(256).optional(),
    })
    .strict(),
  target: (p) => `${p.name} ${p.record_type} @${p.server}${p.port === 53 ? '' : `:${p.port}`}`,
  metrics: [{ name: 'dns_response_ms', unit: 'ms', description: 'time to the answer' }],
});
