import type { ReleaseRepo, ReleaseRow } from '../releases.js';
import type { Scope } from './connection.js';

const COLUMNS = 'version, sha256, size, node, key_id, signed, uploaded_at, uploaded_by';

export class PgReleases implements ReleaseRepo {
  constructor(private readonly s: Scope) {}

  async insert(r: ReleaseRow, content: Uint8Array): Promise<void> {
    await this.s.run(
      `INSERT INTO agent_releases (${COLUMNS}, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  }

  get(version: string): Promise<ReleaseRow | undefined> {
    return this.s.get<ReleaseRow>(`SELECT ${COLUMNS} FROM agent_releases WHERE version = ?`, version);
  }

  async content(version: string): Promise<Buffer | undefined> {
    return (
      await this.s.get<{ content: Buffer }>('SELECT content FROM agent_releases WHERE version = ?', version)
    )?.content;
  }

  list(): Promise<ReleaseRow[]> {
    return this.s.all<ReleaseRow>(
      `SELECT ${COLUMNS} FROM agent_releases ORDER BY uploaded_at DESC, version DESC`,
    );
  }

  async delete(version: string): Promise<boolean> {
    return (await this.s.run('DELETE FROM agent_releases WHERE version = ?', version)) === 1;
  }
}
