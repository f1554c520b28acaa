import type { Link } from '../link/link.js';
import { GroupCommit } from './group-commit.js';
import { defineHandler } from './types.js';

const writers = new WeakMap<Link, GroupCommit>();

/**
 * `up/batch`: stored in one transaction (grouped with the batches
 * that arrived alongside, see group-commit.ts), then acknowledged with the highest contiguous seq, then the events
 * of what changed are emitted (after the commit, never before).
 */
export const batchHandler = defineHandler({
  kind: 'batch',
  async handle(link, agentId, batch) {
    const { ctx, metrics } = link;
    const siteId = await link.siteOf(agentId);
    if (siteId === undefined) {
      ctx.logger.warn({ agent: agentId, seq: batch.seq }, 'batch from an unknown or revoked agent ignored');
      return;
    }
    let writer = writers.get(link);
    if (!writer) {
      writer = new GroupCommit(link);
      writers.set(link, writer);
    }
    const stored = await writer.submit(agentId, siteId, batch);
    if (!stored) return; // not committed: no ack; the agent re-sends
    link.presence.seen(agentId, ctx.clock());
    const { decision } = stored;
    metrics.batches.inc({ outcome: decision.verdict });
    if (decision.verdict === 'stored') metrics.samples.inc(stored.accepted.length);
    if (stored.refused > 0) {
      metrics.refusedItems.inc({ agent: agentId }, stored.refused);
      ctx.logger.warn(
        { agent: agentId, seq: batch.seq, refused: stored.refused },
        'items for devices or cameras of another site refused',
      );
    }
    if (decision.verdict === 'stored' && decision.gap) {
      metrics.gaps.inc({ event: 'detected' });
      ctx.logger.info({ agent: agentId, ...decision.gap }, 'seq gap recorded; ack held until it fills');
    }
    for (const lost of decision.verdict === 'stored' ? decision.lost : []) {
      metrics.gaps.inc({ event: 'lost' });
      ctx.logger.warn(
        { agent: agentId, from_seq: lost.from_seq, to_seq: lost.to_seq },
        'seq gap declared lost: the agent did not re-send it',
      );
    }
    await link
      .send('ack', agentId, { v: 1, upTo: decision.upTo })
      .catch((err) => ctx.logger.error({ err, agent: agentId }, 'publishing ack failed'));
    if (decision.verdict === 'duplicate') return;
    for (const [name, payload] of stored.emits) ctx.events.emit(name, payload as never);
    if (stored.accepted.length > 0)
      ctx.events.emit('samples', { agent_id: agentId, site_id: siteId, samples: stored.accepted });
  },
});
