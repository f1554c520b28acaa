export { Forwarder, type ForwarderOptions } from './forwarder.js';
export {
  HubLink,
  type LinkHandlers,
  type LinkOptions,
  type LinkState,
  type LinkStatus,
  nextBackoff,
  safeUrl,
} from './mqtt-link.js';
