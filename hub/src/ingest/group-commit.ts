import type { BatchMessage } from '@outpost/protocol';
import type { Link } from '../link/link.js';
import { type Stored, storeBatch } from './batch-store.js';

interface Pending {
  agentId: string;
  siteId: number;
  batch: BatchMessage;
  resolve(stored: Stored | undefined): void;
}

/** Most batches, and most samples, committed together: bounds the time one commit holds the event loop. */
const MAX_GROUP = 64;
const MAX_GROUP_SAMPLES = 20_000;

/**
 * Group commit: batches that arrive in the same turn of the event loop are stored in one transaction, each
 * in its own savepoint, with one time-series head-log record holding the samples of the whole group. A
 * batch whose savepoint fails is rolled back alone (its samples leave the writer with it); acks are sent
 * only after the commit that holds the batch, and its samples become readable at that moment.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  #queuedSamples = 0;
  #scheduled = false;

  constructor(private readonly link: Link) {}

  /** Resolves with what was stored once the transaction holding the batch has committed (undefined: failed). */
  submit(agentId: string, siteId: number, batch: BatchMessage): Promise<Stored | undefined> {
    return new Promise((resolve) => {
      this.#queue.push({ agentId, siteId, batch, resolve });
      this.#queuedSamples += batch.samples.length;
      if (this.#queue.length >= MAX_GROUP || this.#queuedSamples >= MAX_GROUP_SAMPLES) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const group = this.#queue;
    this.#queue = [];
    this.#queuedSamples = 0;
    if (group.length === 0) return;
    this.#store(group).catch((err) => {
      for (const p of group) this.#failed(p, err);
      for (const p of group) p.resolve(undefined);
    });
  }

  async #store(group: Pending[]): Promise<void> {
    const { ctx, metrics } = this.link;
    const results: (Stored | undefined)[] = [];
    const end = metrics.ingestSeconds.startTimer();
    const samples = ctx.timeseries.writer();
    try {
      await ctx.store.unit(async (tx) => {
        for (const p of group) {
          const mark = samples.mark();
          try {
            results.push(
              await tx.savepoint((sp) =>
                storeBatch(this.link, sp, samples, p.agentId, p.siteId, p.batch, ctx.clock()),
              ),
            );
          } catch (err) {
            samples.rollback(mark);
            this.#failed(p, err);
            results.push(undefined);
          }
        }
        samples.persist();
      });
    } catch (err) {
      // The commit itself failed: nothing of the group is stored.
      samples.abort();
      for (const p of group) this.#failed(p, err);
      for (const p of group) p.resolve(undefined);
      return;
    } finally {
      end();
    }
    samples.committed();
    for (const [i, p] of group.entries()) p.resolve(results[i]);
  }

  #failed(p: Pending, err: unknown): void {
    // Cached delivery state may have run ahead of what is committed (the writer forgets series ids itself).
    this.link.batches.forget(p.agentId);
    this.link.metrics.batches.inc({ outcome: 'failed' });
    this.link.ctx.logger.error({ err, agent: p.agentId, seq: p.batch.seq }, 'storing a batch failed');
  }
}
