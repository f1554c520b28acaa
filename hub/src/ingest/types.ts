import type { MessageKind, Messages } from '@outpost/protocol';
import type { Link } from '../link/link.js';

/** Handles one decoded agent -> hub message kind. Throwing is logged and counted; it never stops ingest. */
export interface IngestHandler<K extends MessageKind = MessageKind> {
  kind: K;
  handle(link: Link, agentId: string, message: Messages[K]): void | Promise<void>;
}

/** Helps type a handler object literal. */
export function defineHandler<K extends MessageKind>(h: IngestHandler<K>): IngestHandler<K> {
  return h;
}
