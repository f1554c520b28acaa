/**
 * The hub's side of the delivery contract, as one pure decision (DESIGN.md, "The delivery contract"):
 * given what is stored of an agent's batches and a batch that arrives with `seq`, say whether it is new
 * (store it) or a duplicate (acknowledge again, store nothing), which gap it reveals, which gaps are given
 * up on, and the `upTo` to acknowledge once the unit of work that stores it has committed. The store only
 * persists what this decides (store/ledger.ts); nothing here does I/O or reads a clock.
 */

import type { Gap, LedgerState } from '../store/ledger.js';

export type { Gap, LedgerState } from '../store/ledger.js';

/** A batch that arrives, with the facts about it that only the store knows. */
export interface Arrival {
  seq: number;
  /** Whether this seq is stored already (a re-sent batch). */
  stored: boolean;
  /** Highest stored seq below `seq` (0 when none). */
  below: number;
  now: number;
  /** When the agent's current connection opened (0 when unknown). */
  connectedAt: number;
  /**
   * A gap open this long on the current connection, while later batches keep arriving, is given up: the
   * agent re-sends unacknowledged batches after every reconnect, so a seq it has not re-sent by then is one
   * it no longer has (evicted from a full outbox).
   */
  lostAfterMs: number;
}

export type Range = { from_seq: number; to_seq: number };

export type LedgerDecision =
  | { verdict: 'duplicate'; upTo: number }
  | {
      verdict: 'stored';
      /** The ack after this batch: the highest contiguous seq stored or given up. */
      upTo: number;
      /** Whether `upTo` moved (the stored ack changes). */
      advanced: boolean;
      /** A gap this batch revealed, to record. */
      gap?: Range;
      /** Open gaps given up by this batch. */
      lost: Gap[];
      /** Open gaps that `upTo` has now passed (all their seqs stored or given up). */
      filled: Gap[];
    };

/** Decides what a batch with `a.seq` does to the agent's delivery state `s` (see the module comment). */
export function decide(s: LedgerState, a: Arrival): LedgerDecision {
  if (a.stored) return { verdict: 'duplicate', upTo: s.upTo };
  let gap: Range | undefined;
  if (a.seq > s.upTo + 1) {
    const from = Math.max(a.below, s.upTo) + 1;
    if (from <= a.seq - 1) gap = { from_seq: from, to_seq: a.seq - 1 };
  }
  const lost = s.gaps.filter(
    (g) => g.to_seq < a.seq && a.now - Math.max(g.detected_at, a.connectedAt) >= a.lostAfterMs,
  );
  const ahead = a.seq > s.upTo ? [...s.ahead, a.seq].sort((x, y) => x - y) : s.ahead;
  let upTo = s.upTo;
  for (let i = 0; ; ) {
    const skip = lost.find((g) => g.from_seq <= upTo + 1 && g.to_seq > upTo);
    if (skip) {
      upTo = skip.to_seq;
      continue;
    }
    while (i < ahead.length && (ahead[i] as number) <= upTo) i++;
    if (i < ahead.length && ahead[i] === upTo + 1) {
      upTo++;
      continue;
    }
    break;
  }
  const filled = upTo === s.upTo ? [] : s.gaps.filter((g) => !lost.includes(g) && g.to_seq <= upTo);
  return { verdict: 'stored', upTo, advanced: upTo !== s.upTo, ...(gap ? { gap } : {}), lost, filled };
}

/** The state after a stored decision, as the store would load it next (for callers that keep it). */
export function apply(s: LedgerState, a: Arrival, d: LedgerDecision, newGapId = 0): LedgerState {
  if (d.verdict === 'duplicate') return s;
  const gone = new Set([...d.lost, ...d.filled]);
  const gaps = s.gaps.filter((g) => !gone.has(g));
  if (d.gap) gaps.push({ id: newGapId, ...d.gap, detected_at: a.now });
  gaps.sort((x, y) => x.from_seq - y.from_seq);
  const ahead = [...s.ahead, ...(a.seq > s.upTo ? [a.seq] : [])]
    .filter((n) => n > d.upTo)
    .sort((x, y) => x - y);
  return { upTo: d.upTo, gaps, ahead };
}
