import { type AgentEvent, EventSchema, type KnownEvent, type Sample, SampleSchema } from '@outpost/protocol';
import type { Outcome } from './types.js';

/**
 * Checks every sample and event against the protocol before it enters the outbox: a row the hub would
 * refuse must never block a batch. Invalid ones become one `error` event that says what was wrong.
 */
export function checkOutcome(
  outcome: Outcome,
  now: number,
  source: string,
): Outcome & { dropped: number; problem?: string } {
  const samples: Sample[] = [];
  const events: AgentEvent[] = [];
  let bad = 0;
  let firstProblem = '';
  for (const s of outcome.samples) {
    const r = SampleSchema.safeParse(s);
    if (r.success) samples.push(r.data);
    else {
      bad++;
      firstProblem ||= `sample ${(s as { metric?: unknown })?.metric ?? '?'}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`;
    }
  }
  for (const e of outcome.events) {
    const r = EventSchema.safeParse(e);
    if (r.success) events.push(r.data);
    else {
      bad++;
      firstProblem ||= `event ${(e as { type?: unknown })?.type ?? '?'}: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`;
    }
  }
  if (bad === 0) return { samples, events, dropped: 0 };
  const error: KnownEvent = {
    type: 'error',
    ts: now,
    code: 'invalid_result',
    message: `${source}: ${bad} invalid sample(s)/event(s) dropped; first: ${firstProblem}`.slice(0, 2048),
  };
  // With the system clock before 2000 (a Pi without RTC before NTP), even this event is invalid: it is then
  // left out and the caller logs the problem locally.
  if (EventSchema.safeParse(error).success) events.push(error);
  return { samples, events, dropped: bad, problem: firstProblem };
}
