import { decode, HUB_FILTERS, isCompactBatch, type MessageKind, SeriesTableCache } from '@outpost/protocol';
import type { MessageBus } from '../broker/bus.js';
import { batchHandler } from './batch.js';
import { resultHandler } from './result.js';
import { snapshotHandler } from './snapshot.js';
import { statusHandler } from './status.js';
import type { IngestDeps, IngestHandler } from './types.js';

/**
 * Every handler of an agent -> hub message kind, one file each, one line here. `snapshot` has its slot:
 * a handler registered with kind 'snapshot' is subscribed like the others.
 */
export const HANDLERS: readonly IngestHandler[] = checkKinds([
  statusHandler as IngestHandler,
  batchHandler as IngestHandler,
  resultHandler as IngestHandler,
  snapshotHandler as IngestHandler,
]);

function checkKinds(list: IngestHandler[]): IngestHandler[] {
  const seen = new Set<MessageKind>();
  for (const h of list) {
    if (seen.has(h.kind)) throw new Error(`ingest handler for ${h.kind} is registered twice`);
    if (!(h.kind in HUB_FILTERS)) throw new Error(`ingest handler for ${h.kind}: not an agent -> hub kind`);
    seen.add(h.kind);
  }
  return list;
}

/**
 * Decodes and dispatches one message. An invalid payload is counted for its agent (metric and agent record)
 * and logged with the agent id; it never affects another message. `seriesTables` keeps the agents' recent
 * compact series tables (the decoder skips a table seen before; the store keeps its series ids on it).
 */
export async function dispatch(
  deps: IngestDeps,
  handlers: ReadonlyMap<MessageKind, IngestHandler>,
  topic: string,
  payload: Uint8Array,
  seriesTables?: SeriesTableCache,
): Promise<void> {
  const reusedBefore = seriesTables?.hits ?? 0;
  const r = decode(topic, payload, { seriesTables });
  if (!r.ok) {
    const agentId = topic.split('/')[3] ?? '?';
    deps.metrics.invalidPayloads.inc({ agent: agentId, code: r.error.code });
    await deps.store.agents
      .addInvalidPayloads(agentId, 1)
      .catch((err) => deps.logger.error({ err, agent: agentId }, 'counting an invalid payload failed'));
    deps.logger.warn(
      { agent: agentId, topic, code: r.error.code, err: r.error.message },
      'invalid payload refused',
    );
    return;
  }
  if (r.kind === 'batch') {
    const compact = isCompactBatch(payload);
    deps.metrics.batchEncodings.inc({ encoding: compact ? 'compact' : 'json' });
    if (compact && seriesTables)
      deps.metrics.seriesTables.inc({ table: seriesTables.hits > reusedBefore ? 'reused' : 'decoded' });
  }
  const handler = handlers.get(r.kind);
  if (!handler) return;
  try {
    await handler.handle(deps, r.agentId, r.message as never);
  } catch (err) {
    deps.logger.error({ err, agent: r.agentId, kind: r.kind }, 'ingest handler failed');
  }
}

/** Subscribes every registered handler on the bus; resolves to a function that unsubscribes them. */
export async function startIngest(
  bus: Pick<MessageBus, 'subscribe'>,
  deps: IngestDeps,
  handlers: readonly IngestHandler[] = HANDLERS,
): Promise<() => Promise<void>> {
  const byKind = new Map(handlers.map((h) => [h.kind, h]));
  const tables = new SeriesTableCache();
  const unsubs: (() => Promise<void>)[] = [];
  for (const h of handlers) {
    const filter = HUB_FILTERS[h.kind as keyof typeof HUB_FILTERS];
    unsubs.push(
      await bus.subscribe(filter, (topic, payload) => dispatch(deps, byKind, topic, payload, tables)),
    );
  }
  return async () => {
    for (const u of unsubs) await u();
  };
}
