import type { HubContext } from '../context.js';
import type { Link } from './link.js';

const links = new WeakMap<HubContext, Link>();

/** Makes the running link reachable from route modules (which are built before services start). */
export function setLink(ctx: HubContext, link: Link | undefined): void {
  if (link) links.set(ctx, link);
  else links.delete(ctx);
}

/** The running link of this hub, or undefined before the link service has started (or after it stopped). */
export function linkOf(ctx: HubContext): Link | undefined {
  return links.get(ctx);
}
