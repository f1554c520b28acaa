import type { ReleaseRepo, ReleaseRow } from '../releases.js';
import type { Scope } from './connection.js';

const COLUMNS = 'version, sha256, size, node, key_id, signed, uploaded_at, uploaded_by';

export class SqliteReleases implements ReleaseRepo {
  constructor(private readonly s: Scope) {}

  insert(r: ReleaseRow, content: Uint8Array): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(`INSERT INTO agent_releases (${COLUMNS}, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(
          r.version,
          r.sha256,
          r.size,
          r.node,
          r.key_id,
          r.signed,
          r.uploaded_at,
          r.uploaded_by,
          Buffer.from(content),
        );
    });
  }

  get(version: string): Promise<ReleaseRow | undefined> {
    return this.s.run(
      () =>
        this.s.stmt(`SELECT ${COLUMNS} FROM agent_releases WHERE version = ?`).get(version) as
          | ReleaseRow
          | undefined,
    );
  }

  content(version: string): Promise<Buffer | undefined> {
    return this.s.run(
      () =>
        (
          this.s.stmt('SELECT content FROM agent_releases WHERE version = ?').get(version) as
            | { content: Buffer }
            | undefined
        )?.content,
    );
  }

  list(): Promise<ReleaseRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt(`SELECT ${COLUMNS} FROM agent_releases ORDER BY uploaded_at DESC, version DESC`)
          .all() as ReleaseRow[],
    );
  }

  delete(version: string): Promise<boolean> {
    return this.s.run(
      () => this.s.stmt('DELETE FROM agent_releases WHERE version = ?').run(version).changes > 0,
    );
  }
}
