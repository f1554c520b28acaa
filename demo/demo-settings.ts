// The hub settings `npm run demo` starts with; OUTPOST_* variables still override them.
import { PRIVATE_NETWORKS } from '../hub/src/net/site-networks.js';

export const DEMO_HUB_DEFAULTS = {
  // The demo's notification sink listens on loopback, which channels may not reach unless allowed.
  notifyAllowedNetworks: ['127.0.0.1/32'],
  // Topology is read every minute (900 s by default) so that the map fills in while you watch.
  topologyIntervalS: 60,
  // The discovered site is simulated on loopback addresses (all of 127/8 is local on Linux): discovery and its
  // credentials may go there, besides the private ranges a real site uses.
  discoveryAllowedNetworks: [...PRIVATE_NETWORKS, '127.0.0.0/8'],
} as const;
