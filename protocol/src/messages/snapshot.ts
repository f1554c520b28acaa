import * as z from 'zod';
import { CommandId } from './command.js';
import { EntityId, Timestamp, Version } from './common.js';

/**
 * Metadata of an `up/snapshot`. On the wire the payload is a frame:
 * 4-byte big-endian length N | N bytes of this metadata as UTF-8 JSON | the JPEG bytes.
 */
export const SnapshotMetaSchema = z.object({
  v: Version,
  camera_id: EntityId,
  ts: Timestamp,
  content_type: z.literal('image/jpeg').default('image/jpeg'),
  width: z.int().positive().optional(),
  height: z.int().positive().optional(),
  /** The job that asked for it; absent for scheduled snapshots. */
  job_id: CommandId.optional(),
});
export type SnapshotMeta = z.infer<typeof SnapshotMetaSchema>;

/** A snapshot: metadata plus the image. */
export interface SnapshotMessage extends SnapshotMeta {
  image: Uint8Array;
}
