export {
  DISCOVER_MAX_ADDRESSES,
  type DiscoverArgs,
  type DiscoverArgsInput,
  DiscoverArgsSchema,
} from './args.js';
export * from './cidr.js';
export * from './host.js';
export * from './vendors.js';
