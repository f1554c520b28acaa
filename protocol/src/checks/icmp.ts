import * as z from 'zod';
import { Host } from './common.js';
import { defineCheckKind } from './types.js';

/** Ping: N echo requests, loss and round-trip times. */
export const icmp = defineCheckKind({
  kind: 'icmp',
  description: 'ICMP echo (ping): packet loss and round-trip min/avg/max over `count` echoes',
  params: z
    .object({
      host: Host,
      count: z.int().min(1).max(20).default(3),
      /** Time between echoes. */
      interval_ms: z.int().min(20).max(10_000).default(250),
    })
    .strict(),
  target: (p) => p.host,
  metrics: [
    { name: 'icmp_loss_percent', unit: 'percent', description: 'echoes without a reply' },
    { name: 'icmp_rtt_min_ms', unit: 'ms', description: 'fastest round trip' },
    { name: 'icmp_rtt_avg_ms', unit: 'ms', description: 'average round trip' },
    { name: 'icmp_rtt_max_ms', unit: 'ms', description: 'slowest round trip' },
  ],
});
