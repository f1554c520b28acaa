import type { BatchMessage } from '@outpost/protocol';
import type { LinkMetrics } from '../link/metrics.js';
import type { Presence } from '../link/presence.js';
import type { Logger } from '../logger.js';
import type { HubStore } from '../store/port.js';
import { type Stored, storeBatch } from './batch-store.js';

export interface GroupCommitDeps {
  store: Pick<HubStore, 'unit'>;
  presence: Pick<Presence, 'connectedAt'>;
  metrics: Pick<LinkMetrics, 'batches' | 'ingestSeconds'>;
  logger: Logger;
  clock: () => number;
  /** A seq gap open this long on a live connection is declared lost. */
  lostGapAfterMs: number;
}

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
 * Group commit: batches that arrive in the same turn of the event loop are stored in one unit of work, each
 * in its own savepoint; the unit writes the samples of the whole group as one time-series head-log record.
 * A batch whose savepoint fails is rolled back alone (its samples with it); acks are sent only after the
 * commit that holds the batch, and its samples become readable at that moment.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  #queuedSamples = 0;
  #scheduled = false;

  constructor(private readonly deps: GroupCommitDeps) {}

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
    const { store, clock, presence, metrics, lostGapAfterMs } = this.deps;
    const results: (Stored | undefined)[] = [];
    const end = metrics.ingestSeconds.startTimer();
    try {
      await store.unit(async (tx) => {
        for (const p of group) {
          try {
            results.push(
              await tx.savepoint((sp) =>
                storeBatch(sp, {
                  agentId: p.agentId,
                  siteId: p.siteId,
                  batch: p.batch,
                  now: clock(),
                  connectedAt: presence.connectedAt(p.agentId),
                  lostAfterMs: lostGapAfterMs,
                }),
              ),
            );
          } catch (err) {
            this.#failed(p, err);
            results.push(undefined);
          }
        }
      });
    } catch (err) {
      // The commit itself failed: nothing of the group is stored.
      for (const p of group) this.#failed(p, err);
      for (const p of group) p.resolve(undefined);
      return;
    } finally {
      end();
    }
    for (const [i, p] of group.entries()) p.resolve(results[i]);
  }

  #failed(p: Pending, err: unknown): void {
    this.deps.metrics.batches.inc({ outcome: 'failed' });
    this.deps.logger.error({ err, agent: p.agentId, seq: p.batch.seq }, 'storing a batch failed');
  }
}
