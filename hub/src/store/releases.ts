/** An agent release bundle as stored (its bytes are read separately: `content`). Times: epoch ms. */
export interface ReleaseRow {
  version: string;
  sha256: string;
  size: number;
  /** The Node.js versions it runs on (from the signed statement). */
  node: string;
  /** Which release key signed it. */
  key_id: string;
  /** The signed release (`SignedRelease` of the protocol, as JSON text): sent to agents unchanged. */
  signed: string;
  uploaded_at: number;
  uploaded_by: number | null;
}

/** Agent release bundles the hub serves to its agents (fleet upgrades). Versions are unique. */
export interface ReleaseRepo {
  /** Rejects with StoreError `conflict` when the version exists. */
  insert(row: ReleaseRow, content: Uint8Array): Promise<void>;
  get(version: string): Promise<ReleaseRow | undefined>;
  /** The bundle's bytes, or undefined. */
  content(version: string): Promise<Buffer | undefined>;
  /** Newest upload first. */
  list(): Promise<ReleaseRow[]>;
  /** False when there was none. */
  delete(version: string): Promise<boolean>;
}
