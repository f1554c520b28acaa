import { defineHandler } from './types.js';

/**
 * `up/batch`: stored in one transaction (grouped with the batches
 * that arrived alongside, see group-commit.ts), then acknowledged with the highest contiguous seq, then the events
 * of what changed are emitted (after the commit, never before).
 */
export const batchHandler = defineHandler({
  kind: 'batch',
  async handle(deps, agentId, batch) {
    const { metrics, logger, events } = deps;
    const siteId = await deps.sites.siteOf(agentId);
    if (siteId === undefined) {
      logger.warn({ agent: agentId, seq: batch.seq }, 'batch from an unknown or revoked agent ignored');
      return;
    }
    const stored = await deps.batches.submit(agentId, siteId, batch);
    if (!stored) return; // not committed: no ack; the agent re-sends
    deps.presence.seen(agentId, deps.clock());
    const { decision } = stored;
    metrics.batches.inc({ outcome: decision.verdict });
    if (decision.verdict === 'stored') metrics.samples.inc(stored.accepted.length);
    if (stored.refused > 0) {
      metrics.refusedItems.inc({ agent: agentId }, stored.refused);
      logger.warn(
        { agent: agentId, seq: batch.seq, refused: stored.refused },
        'items for devices or cameras of another site refused',
      );
    }
    if (decision.verdict === 'stored' && decision.gap) {
      metrics.gaps.inc({ event: 'detected' });
      // Debug: a short gap is normal where one agent's batches are handled side by side (several broker
      // consumers or hubs) and fills within milliseconds; a gap the agent never fills is the warning below.
      logger.debug({ agent: agentId, ...decision.gap }, 'seq gap recorded; ack held until it fills');
    }
    for (const lost of decision.verdict === 'stored' ? decision.lost : []) {
      metrics.gaps.inc({ event: 'lost' });
      logger.warn(
        { agent: agentId, from_seq: lost.from_seq, to_seq: lost.to_seq },
        'seq gap declared lost: the agent did not re-send it',
      );
    }
    await deps.sender
      .send('ack', agentId, { v: 1, upTo: decision.upTo })
      .catch((err) => logger.error({ err, agent: agentId }, 'publishing ack failed'));
    if (decision.verdict === 'duplicate') return;
    for (const [name, payload] of stored.emits) events.emit(name, payload as never);
    if (stored.accepted.length > 0)
      events.emit('samples', { agent_id: agentId, site_id: siteId, samples: stored.accepted });
  },
});
