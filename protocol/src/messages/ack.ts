import * as z from 'zod';
import { Version } from './common.js';

/** `down/ack`: every batch with `seq <= upTo` is committed at the hub; the agent may delete those rows. */
export const AckSchema = z.object({
  v: Version,
  /** Highest contiguous seq stored for this agent; 0 when nothing is stored yet. */
  upTo: z.int().nonnegative(),
});
export type AckMessage = z.infer<typeof AckSchema>;
